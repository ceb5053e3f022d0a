package profile

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// dialectCases are config files and one key each, with what the AWS CLI
// reads: the value, absent, or a syntax error at a line. cliDiffers marks
// the deliberate differences, which the comparison with the real CLI skips.
var dialectCases = []struct {
	name       string
	config     string
	profile    string
	key        string
	want       string // "" means absent
	errLine    int    // a syntax error at this line
	cliDiffers string // why awsmfa reads this differently from the CLI
}{
	{name: "no inline comments", config: "[profile dev]\nregion = x # y ; z\n", profile: "dev", key: "region", want: "x # y ; z"},
	{name: "colon delimiter", config: "[profile dev]\nregion: eu-west-1\n", profile: "dev", key: "region", want: "eu-west-1"},
	{name: "first delimiter wins", config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/a=b\n", profile: "dev", key: "role_arn", want: "arn:aws:iam::123456789012:role/a=b"},
	{name: "colon before equals", config: "[profile dev]\nregion: a=b\n", profile: "dev", key: "region", want: "a=b"},
	{name: "keys ignore case", config: "[profile dev]\nREGION = x\n", profile: "dev", key: "region", want: "x"},
	{name: "blanks around everything", config: "[profile dev]\n\t  region\t =  \tx y \t\n", profile: "dev", key: "region", want: "x y"},
	{name: "nested settings skipped", config: "[profile dev]\ns3 =\n  max_concurrent_requests = 10\n\n  # c\n  addressing_style = path\nregion = r\n", profile: "dev", key: "region", want: "r"},
	{name: "indented section start", config: "[profile dev]\n  region = x\n", profile: "dev", key: "region", want: "x"},
	{name: "indented comment", config: "[profile dev]\n    ; c\n# c\nregion = x\n", profile: "dev", key: "region", want: "x"},
	{name: "two blanks in the header", config: "[profile   dev]\nregion = x\n", profile: "dev", key: "region", want: "x"},
	{name: "quoted profile name", config: "[profile \"my team\"]\nregion = x\n", profile: "my team", key: "region", want: "x"},
	{name: "text after the header", config: "[profile dev] trailing words\nregion = x\n", profile: "dev", key: "region", want: "x"},
	{name: "blank inside the brackets is not a profile", config: "[ profile dev ]\nregion = x\n", profile: "dev", key: "region"},
	{name: "three words is not a profile", config: "[profile dev x]\nregion = x\n", profile: "dev", key: "region"},
	{name: "profile glued to its name is not a profile", config: "[profiledev]\nregion = x\n", profile: "dev", key: "region"},
	{name: "DEFAULT is inherited", config: "[DEFAULT]\nregion = d\n[profile dev]\noutput = json\n", profile: "dev", key: "region", want: "d"},
	{name: "own value beats DEFAULT", config: "[DEFAULT]\nregion = d\n[profile dev]\nregion = own\n", profile: "dev", key: "region", want: "own"},
	{name: "CRLF", config: "[profile dev]\r\nregion = x\r\n", profile: "dev", key: "region", want: "x"},
	{name: "no final newline", config: "[profile dev]\nregion = x", profile: "dev", key: "region", want: "x"},
	{name: "other sections are fine", config: "[sso-session corp]\nsso_region = us-east-1\n[services s]\ns3 =\n  endpoint_url = http://x\n[profile dev]\nregion = x\n", profile: "dev", key: "region", want: "x"},
	{name: "duplicate section", config: "[profile dev]\nregion = x\n[profile dev]\noutput = json\n", profile: "dev", key: "region", errLine: 3},
	{name: "duplicate key", config: "[profile dev]\nregion = x\nRegion = y\n", profile: "dev", key: "region", errLine: 3},
	{name: "key before any section", config: "region = x\n[profile dev]\n", profile: "dev", key: "region", errLine: 1},
	{name: "line without delimiter", config: "[profile dev]\nregion\n", profile: "dev", key: "region", errLine: 2},
	{name: "unclosed header", config: "[profile dev]\nregion = x\n[profile other\n", profile: "dev", key: "region", errLine: 3},
	{name: "empty key", config: "[profile dev]\n= x\n", profile: "dev", key: "region", errLine: 2},
	{name: "byte-order mark", config: "\uFEFF[profile dev]\nregion = x\n", profile: "dev", key: "region", want: "x",
		cliDiffers: "Python opens the file as plain UTF-8 and sees the mark before the first header; awsmfa accepts files saved by Windows editors"},
}

// readDialect reads key of profile the way Resolve does.
func readDialect(t *testing.T, config, profile, key string) (value string, errLine int) {
	t.Helper()
	f := newFile("config", "config", true)
	err := f.ix.Parse([]byte(config))
	var i int
	if err == nil {
		i, err = f.lookup(profile)
	}
	var p props
	if err == nil && i >= 0 {
		p, err = f.props(i)
	}
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("error %v is not a *SyntaxError", err)
		}
		return "", se.Line
	}
	e, _ := p.get(key)
	return e.value, 0
}

func TestDialect(t *testing.T) {
	for _, tt := range dialectCases {
		t.Run(tt.name, func(t *testing.T) {
			got, line := readDialect(t, tt.config, tt.profile, tt.key)
			if got != tt.want || line != tt.errLine {
				t.Errorf("read %q, error at line %d; want %q, error at line %d", got, line, tt.want, tt.errLine)
			}
		})
	}
}

// TestDialectMatchesAWSCLI runs the real AWS CLI on every dialect case and
// checks it reads what awsmfa reads (or refuses what awsmfa refuses).
func TestDialectMatchesAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the AWS CLI once per case; skipped with -short")
	}
	aws := testenv.Need(t, "aws")
	for _, tt := range dialectCases {
		if tt.cliDiffers != "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg, cred := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
			if err := os.WriteFile(cfg, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cred, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(aws, "configure", "get", tt.key, "--profile", tt.profile)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8",
				"AWS_CONFIG_FILE=" + cfg, "AWS_SHARED_CREDENTIALS_FILE=" + cred,
				"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("running the AWS CLI: %v", err)
			}
			cliErr := strings.Contains(stderr.String(), "Unable to parse config file")
			cliValue := ""
			if err == nil {
				cliValue = strings.TrimSuffix(stdout.String(), "\n")
			}
			if cliErr != (tt.errLine != 0) || cliValue != tt.want {
				t.Errorf("the AWS CLI read %q (syntax error: %v); this package reads %q (syntax error at line %d)\nCLI stderr: %s",
					cliValue, cliErr, tt.want, tt.errLine, stderr.String())
			}
		})
	}
}

func TestShellSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"profile dev", []string{"profile", "dev"}, true},
		{`profile "a b"`, []string{"profile", "a b"}, true},
		{`profile 'a "b'`, []string{"profile", `a "b`}, true},
		{`profile a\ b`, []string{"profile", "a b"}, true},
		{`profile "a\"b"`, []string{"profile", `a"b`}, true},
		{`profile ""`, []string{"profile", ""}, true},
		{`profile "a`, nil, false},
		{`profile a\`, nil, false},
	}
	for _, tt := range tests {
		got, ok := shellSplit(tt.in)
		if ok != tt.ok || strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("shellSplit(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for header, want := range map[string]string{
		"profile dev": "dev", "profile\tdev": "dev", `profile "my team"`: "my team", "default": "default",
		"profile": "", "profile ": "", "profiledev": "", "profile a b": "", `profile "a`: "", "sso-session x": "",
		`profile a "b"`: "", `profile "a"b`: "ab",
	} {
		if got := configProfileName(header); got != want {
			t.Errorf("configProfileName(%q) = %q, want %q", header, got, want)
		}
	}
}
