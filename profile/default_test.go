package profile

import "testing"

func TestDefaultCredentials(t *testing.T) {
	tests := []struct {
		name               string
		config, creds      string
		wantKey, wantWhere string
	}{
		{"none", "[profile dev]\nregion = us-east-1\n", "[dev]\naws_access_key_id = AKIA1\n", "", ""},
		{"region only", "[default]\nregion = us-east-1\n", "", "", ""},
		{"keys in credentials", "", "[dev]\nx = 1\n[default]\naws_access_key_id = AKIA1\naws_secret_access_key = " + secret + "\n", "aws_access_key_id", "~/.aws/credentials:4"},
		{"keys in config", "[default]\naws_access_key_id = AKIA1\n", "", "aws_access_key_id", "~/.aws/config:2"},
		{"profile default", "[profile default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\n", "", "role_arn", "~/.aws/config:2"},
		{"sso", "[default]\nsso_session = corp\n", "", "sso_session", "~/.aws/config:2"},
		{"no files", missing, missing, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := home(t, tc.config, tc.creds, nil)
			key, where, err := r.DefaultCredentials()
			if err != nil {
				t.Fatal(err)
			}
			if key != tc.wantKey || where != tc.wantWhere {
				t.Errorf("DefaultCredentials() = %q, %q; want %q, %q", key, where, tc.wantKey, tc.wantWhere)
			}
		})
	}
}
