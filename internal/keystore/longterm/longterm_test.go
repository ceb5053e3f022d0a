package longterm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/keystore"
)

// TestRefusals checks the sections Import and Remove refuse before the
// keyring is asked anything (the client here names no helper, so any call
// would fail differently), and that the file is left as it was.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, file, op, want string
	}{
		{"no section", "[other]\naws_access_key_id = AKIA1\n", "import", "no [dev-long-term] in CREDS"},
		{"no key id", "[dev-long-term]\naws_secret_access_key = s\n", "import", "has no aws_access_key_id"},
		{"secret and keyring", "[dev-long-term]\naws_access_key_id = AKIA1\naws_secret_access_key = s\nawsmfa_keyring = auto\n", "remove", "at once"},
		{"imported already", "[dev-long-term]\naws_access_key_id = AKIA1\nawsmfa_keyring = pass\n", "import", "in the keyring already (awsmfa_keyring = pass)"},
		{"no secret to import", "[dev-long-term]\naws_access_key_id = AKIA1\n", "import", "no aws_secret_access_key to import"},
		{"nothing to remove", "[dev-long-term]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n", "remove", "nothing to remove"},
		{"unknown backend", "[dev-long-term]\naws_access_key_id = AKIA1\nawsmfa_keyring = nosuch\n", "remove", "[dev-long-term] in CREDS:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			s := Section{Path: path, Display: "CREDS", Profile: "dev", Name: "dev-long-term"}
			c := &keystore.Client{Executable: filepath.Join(t.TempDir(), "none")}
			var err error
			if tc.op == "import" {
				_, err = Import(context.Background(), c, s, keystore.Auto)
			} else {
				_, err = Remove(context.Background(), c, s, func(string) string { return "" })
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: error %v, want one containing %q", tc.op, err, tc.want)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.file {
				t.Errorf("the file changed:\n%s", got)
			}
		})
	}
}
