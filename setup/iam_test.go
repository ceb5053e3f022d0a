package setup

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// TestListMFADevicesPages: a user with more devices than IAM puts in one
// page (100) gets every one of them, in order, from consecutive signed
// requests.
func TestListMFADevicesPages(t *testing.T) {
	st := stsemu.DemoState()
	u := stsemu.User{Name: "many", AccessKeys: []stsemu.AccessKey{{ID: multiKey, Secret: multiSecret}}}
	var want []string
	for i := range 230 {
		s := fmt.Sprintf("arn:aws:iam::123456789012:mfa/device-%03d", i)
		want = append(want, s)
		u.MFADevices = append(u.MFADevices, stsemu.MFADevice{Serial: s, Seed: stsemu.DemoSeed})
	}
	st.Users = append(st.Users, u)
	emu := stsemu.New(st)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	got, err := listMFADevices(context.Background(), srv.URL, multiKey, multiSecret)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %d devices %v..., want %d", len(got), got[:min(3, len(got))], len(want))
	}
	if n := emu.Count("ListMFADevices"); n != 3 {
		t.Errorf("ListMFADevices calls = %d, want 3 pages", n)
	}
}

// TestListMFADevicesRetries: throttling, a 5xx and a dropped connection are
// retried (three attempts in all, as the SDK's standard retryer); when they
// outlast the attempts the error says what failed and what to do, and never
// holds the secret.
func TestListMFADevicesRetries(t *testing.T) {
	tests := []struct {
		name  string
		fault stsemu.FaultKind
		count int
		want  string // "" for success
	}{
		{"two throttles", stsemu.Throttle, 2, ""},
		{"two 500s", stsemu.InternalError, 2, ""},
		{"two dropped connections", stsemu.Drop, 2, ""},
		{"throttled three times", stsemu.Throttle, 3, "IAM at URL failed ListMFADevices: Throttling: Rate exceeded"},
		{"500 three times", stsemu.InternalError, 3, "IAM at URL failed ListMFADevices: InternalFailure"},
		{"dropped three times", stsemu.Drop, 3, "cannot reach IAM at URL to find the MFA device"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu := stsemu.New(stsemu.DemoState())
			srv := httptest.NewServer(emu)
			defer srv.Close()
			if err := emu.InjectFault(stsemu.Fault{Kind: tc.fault, Count: tc.count}); err != nil {
				t.Fatal(err)
			}
			got, err := listMFADevices(context.Background(), srv.URL, stsemu.DemoAccessKeyID, stsemu.DemoSecretAccessKey)
			if tc.want == "" {
				if err != nil || len(got) != 1 || got[0] != stsemu.DemoSerial {
					t.Fatalf("got %v, %v; want [%s]", got, err, stsemu.DemoSerial)
				}
				return
			}
			want := strings.ReplaceAll(tc.want, "URL", srv.URL)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want it to contain %q", err, want)
			}
			if strings.Contains(err.Error(), stsemu.DemoSecretAccessKey) {
				t.Errorf("the error holds the secret: %v", err)
			}
		})
	}
}
