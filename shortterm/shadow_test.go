package shortterm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

func TestShadowed(t *testing.T) {
	tests := []struct {
		name, config, creds, section string
		want                         string // "" for no error
	}{
		{name: "role in the config profile", section: "admin",
			config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
			want:   "since [profile admin] in config has role_arn"},
		{name: "role in the credentials section", section: "admin",
			creds: "[admin]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n",
			want:  "since [admin] in credentials has role_arn"},
		{name: "IAM Identity Center", section: "admin",
			config: "[profile admin]\nsso_session = corp\n",
			want:   "has sso_session"},
		{name: "default in the config file is [default]", section: "default",
			config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n",
			want:   "since [default] in config has role_arn"},
		{name: "an MFA device and a region are fine", section: "dev",
			config: "[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = eu-west-1\nsource_profile = base\n"},
		{name: "another profile's role is fine", section: "dev-mfa",
			config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"},
		{name: "no config file", section: "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "config")
			if tt.config != "" {
				if err := os.WriteFile(cfgPath, []byte(tt.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cred, err := awsini.Parse("credentials", []byte(tt.creds))
			if err != nil {
				t.Fatal(err)
			}
			err = Shadowed(cred, "credentials", cfgPath, "config", "p", tt.section)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Shadowed: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Shadowed: %v, want %q", err, tt.want)
			case err != nil && !strings.Contains(err.Error(), "credential_process"):
				t.Errorf("the error names no way that works: %v", err)
			}
		})
	}
}
