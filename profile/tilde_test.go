package profile

import "testing"

func TestTilde(t *testing.T) {
	for _, tc := range []struct{ home, path, want string }{
		{"/home/u", "/home/u/.aws/config", "~/.aws/config"},
		{"/home/u/", "/home/u/.aws/config", "~/.aws/config"},
		{"/home/u", "/home/user/.aws/config", "/home/user/.aws/config"},
		{"/home/u", "/home/u", "/home/u"},
		{"/", "/etc/aws", "/etc/aws"},
		{"", "/home/u/.aws/config", "/home/u/.aws/config"},
	} {
		if got := Tilde(tc.home, tc.path); got != tc.want {
			t.Errorf("Tilde(%q, %q) = %q, want %q", tc.home, tc.path, got, tc.want)
		}
	}
}
