package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// missing stands for a file that does not exist.
const missing = "\x00missing"

// The long-term secret used in every fixture; no error may contain it.
const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// home writes config and credentials into a fresh home directory's .aws and
// returns a Resolver that reads them through the defaults.
func home(t *testing.T, config, credentials string, env map[string]string) *Resolver {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"config": config, "credentials": credentials} {
		if text == missing {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, ".aws", name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &Resolver{
		Getenv:   func(k string) string { return env[k] },
		HomeDir:  dir,
		Username: "alice",
	}
}

// short shows an origin with the file's base name only: "config:3".
func short(o Origin) string {
	if o.File != "" {
		return filepath.Base(o.File) + ":" + strconv.Itoa(o.Line)
	}
	return o.String()
}

func str(s string) *string { return &s }

const (
	device  = "arn:aws:iam::123456789012:mfa/alice"
	device2 = "arn:aws:iam::123456789012:mfa/other"
	role    = "arn:aws:iam::210987654321:role/Admin"
	role2   = "arn:aws:iam::210987654321:role/ReadOnly"
)

// awsMFACreds is a credentials file as aws-mfa's users have it (the seed
// article): the long-term section they wrote with `aws configure` and
// `aws configure set aws_mfa_device/assume_role`, and the short-term section
// aws-mfa itself wrote.
const awsMFACreds = `[x-long-term]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = ` + secret + `
aws_mfa_device = ` + device + `
assume_role = ` + role + `

[x]
assumed_role = True
assumed_role_arn = ` + role + `
aws_access_key_id = ASIAEXAMPLESHORTTERM
aws_secret_access_key = shorttermsecret
aws_session_token = FQoGZXIvYXdzEXAMPLETOKEN
aws_security_token = FQoGZXIvYXdzEXAMPLETOKEN
expiration = 2023-12-31 23:29:55
`

// awsMFAConfig is what `aws configure --profile x-long-term` writes.
const awsMFAConfig = `[profile x-long-term]
region = ap-northeast-1
output = json
`

const baseCreds = `[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = ` + secret + `
`

func TestResolve(t *testing.T) {
	type want struct {
		layout          Layout
		path            Path
		keysFrom        string
		shortTerm       string
		mfa, role       string
		rsn, externalID string
		region          string
		session, roleD  time.Duration
		origins         map[string]string
	}
	tests := []struct {
		name        string
		config      string
		credentials string
		env         map[string]string
		opt         Options
		want        want
	}{
		{
			name:   "aws-mfa layout exactly as its users have it",
			config: awsMFAConfig, credentials: awsMFACreds,
			opt: Options{Profile: "x"},
			want: want{layout: AWSMFA, path: ChainedRole, keysFrom: "x-long-term", shortTerm: "x",
				mfa: device, role: role, rsn: "awsmfa-alice", region: "ap-northeast-1",
				session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"profile": "flag --profile", "aws_access_key_id": "credentials:2",
					"mfa_serial": "credentials:4", "role_arn": "credentials:5", "region": "config:2",
					"role_session_name": "default", "duration": "default", "session_duration": "default"}},
		},
		{
			name:        "aws-mfa layout, no role, --duration 129600 as in the article",
			credentials: "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\naws_mfa_device = " + device + "\n",
			config:      missing,
			opt:         Options{Profile: "x", Duration: 129600 * time.Second},
			want: want{layout: AWSMFA, path: SessionToken, keysFrom: "x-long-term", shortTerm: "x", mfa: device,
				session: 129600 * time.Second,
				origins: map[string]string{"duration": "flag --duration", "mfa_serial": "credentials:4"}},
		},
		{
			name:   "aws-mfa: MFA_STS_DURATION applies to the role, and over 3600 skips the MFA session",
			config: awsMFAConfig, credentials: awsMFACreds,
			env: map[string]string{"MFA_STS_DURATION": "7200"},
			opt: Options{Profile: "x"},
			want: want{layout: AWSMFA, path: RoleWithMFA, keysFrom: "x-long-term", shortTerm: "x", mfa: device, role: role,
				rsn: "awsmfa-alice", region: "ap-northeast-1", roleD: 7200 * time.Second,
				origins: map[string]string{"duration": "env MFA_STS_DURATION"}},
		},
		{
			name:   "flag beats environment beats file",
			config: awsMFAConfig, credentials: awsMFACreds,
			env: map[string]string{"MFA_DEVICE": device2, "MFA_ASSUME_ROLE": role2, "MFA_STS_DURATION": "1800"},
			opt: Options{Profile: "x", Device: "GAHT12345678", Duration: 900 * time.Second, RoleSessionName: "me@example.com"},
			want: want{layout: AWSMFA, path: ChainedRole, keysFrom: "x-long-term", shortTerm: "x", mfa: "GAHT12345678", role: role2,
				rsn: "me@example.com", region: "ap-northeast-1", session: 43200 * time.Second, roleD: 900 * time.Second,
				origins: map[string]string{"mfa_serial": "flag --device", "role_arn": "env MFA_ASSUME_ROLE",
					"duration": "flag --duration", "role_session_name": "flag --role-session-name"}},
		},
		{
			name:   "AWS_PROFILE names the profile; suffix flags as in aws-mfa",
			config: missing,
			credentials: "[x-lt]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret +
				"\naws_mfa_device = " + device + "\nrole_session_name = ci-job\n",
			env: map[string]string{"AWS_PROFILE": "x", "MFA_ASSUME_ROLE": role},
			opt: Options{LongTermSuffix: str("lt"), ShortTermSuffix: str("st")},
			want: want{layout: AWSMFA, path: ChainedRole, keysFrom: "x-lt", shortTerm: "x-st", mfa: device, role: role,
				rsn: "ci-job", session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"profile": "env AWS_PROFILE", "role_session_name": "credentials:5"}},
		},
		{
			name:   "--long-term-suffix none reads [x] itself",
			config: missing,
			credentials: "[x]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret +
				"\naws_mfa_device = " + device + "\n",
			opt: Options{Profile: "x", LongTermSuffix: str("none"), ShortTermSuffix: str("short")},
			want: want{layout: AWSMFA, path: SessionToken, keysFrom: "x", shortTerm: "x-short", mfa: device,
				session: 43200 * time.Second},
		},
		{
			name:   "no profile given and no AWS_PROFILE: default",
			config: missing,
			credentials: "[default-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret +
				"\naws_mfa_device = " + device + "\n",
			want: want{layout: AWSMFA, path: SessionToken, keysFrom: "default-long-term", shortTerm: "default", mfa: device,
				session: 43200 * time.Second, origins: map[string]string{"profile": "default"}},
		},
		{
			name: "config role profile with source_profile and mfa_serial",
			config: `[default]
region = us-east-1

[profile dev]
role_arn = ` + role + `
source_profile = base
mfa_serial = ` + device + `
region = eu-west-1
`,
			credentials: baseCreds,
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", region: "eu-west-1", session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"role_arn": "config:5", "mfa_serial": "config:7", "region": "config:8",
					"aws_access_key_id": "credentials:2"}},
		},
		{
			name: "mfa_serial on the source profile (aws-vault style), region from [default]",
			config: `[default]
region = us-east-1
[profile base]
mfa_serial = ` + device + `
[profile dev]
role_arn = ` + role + `
source_profile = base
`,
			credentials: baseCreds,
			env:         map[string]string{"AWS_REGION": "sa-east-1", "AWS_DEFAULT_REGION": "sa-east-1"},
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", region: "us-east-1", session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"mfa_serial": "config:4", "region": "config:2"}},
		},
		{
			name: "duration_seconds 3601 takes AssumeRole with the code",
			config: "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device +
				"\nduration_seconds = 3601\n",
			credentials: baseCreds,
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: RoleWithMFA, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", roleD: 3601 * time.Second, origins: map[string]string{"duration": "config:5"}},
		},
		{
			name: "duration_seconds 43200 is the AssumeRole maximum",
			config: "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device +
				"\nduration_seconds = 43200\n",
			credentials: baseCreds,
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: RoleWithMFA, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", roleD: 43200 * time.Second},
		},
		{
			name: "mfa_session_duration for the shared MFA session; the environment beats it",
			config: "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device +
				"\nmfa_session_duration = 129600\nduration_seconds = 900\n",
			credentials: baseCreds,
			env:         map[string]string{"AWSMFA_MFA_SESSION_DURATION": "900"},
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", session: 900 * time.Second, roleD: 900 * time.Second,
				origins: map[string]string{"session_duration": "env AWSMFA_MFA_SESSION_DURATION", "duration": "config:6"}},
		},
		{
			name: "mfa_session_duration from the file",
			config: "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device +
				"\nmfa_session_duration = 129600\n",
			credentials: baseCreds,
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", session: 129600 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"session_duration": "config:5"}},
		},
		{
			name:        "role without MFA",
			config:      "[profile ro]\nrole_arn = " + role2 + "\nsource_profile = base\nexternal_id = abc-123\nrole_session_name = bot\n",
			credentials: baseCreds,
			opt:         Options{Profile: "ro"},
			want: want{layout: Config, path: Role, keysFrom: "base", shortTerm: "ro", role: role2, rsn: "bot", externalID: "abc-123",
				roleD: 3600 * time.Second, origins: map[string]string{"external_id": "config:4", "role_session_name": "config:5"}},
		},
		{
			name:        "flags beat the file for external id and session name",
			config:      "[profile ro]\nrole_arn = " + role2 + "\nsource_profile = base\nexternal_id = abc-123\nrole_session_name = bot\n",
			credentials: baseCreds,
			opt:         Options{Profile: "ro", ExternalID: "xyz:789", RoleSessionName: "human"},
			want: want{layout: Config, path: Role, keysFrom: "base", shortTerm: "ro", role: role2, rsn: "human", externalID: "xyz:789",
				roleD: 3600 * time.Second, origins: map[string]string{"external_id": "flag --external-id", "role_session_name": "flag --role-session-name"}},
		},
		{
			name:        "mfa_serial and keys in one standard profile: GetSessionToken",
			config:      "[profile dev]\nmfa_serial = " + device + "\nregion = eu-central-1\n",
			credentials: "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: SessionToken, keysFrom: "dev", shortTerm: "", mfa: device, region: "eu-central-1",
				session: 43200 * time.Second, origins: map[string]string{"aws_access_key_id": "credentials:2", "duration": "default"}},
		},
		{
			name:        "credentials-only profile with the device from MFA_DEVICE; upper-case keys",
			config:      missing,
			credentials: "[default]\nAWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE\nAws_Secret_Access_Key: " + secret + "\n",
			env:         map[string]string{"MFA_DEVICE": device},
			want: want{layout: Config, path: SessionToken, keysFrom: "default", shortTerm: "", mfa: device,
				session: 43200 * time.Second, origins: map[string]string{"mfa_serial": "env MFA_DEVICE"}},
		},
		{
			name:        "source_profile naming itself uses its own keys",
			config:      "[profile self]\nrole_arn = " + role + "\nsource_profile = self\nmfa_serial = " + device + "\n",
			credentials: "[self]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			opt:         Options{Profile: "self"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "self", shortTerm: "", mfa: device, role: role,
				rsn: "awsmfa-alice", session: 43200 * time.Second, roleD: 3600 * time.Second},
		},
		{
			name:        "a config profile with role_arn wins over an aws-mfa section of the same name",
			config:      "[profile x]\nrole_arn = " + role2 + "\nsource_profile = base\n",
			credentials: awsMFACreds + baseCreds,
			opt:         Options{Profile: "x"},
			want: want{layout: Config, path: Role, keysFrom: "base", shortTerm: "x", role: role2, rsn: "awsmfa-alice",
				roleD: 3600 * time.Second},
		},
		{
			name:        "a config profile with only region and output feeds the aws-mfa layout",
			config:      "[profile x]\nregion = eu-north-1\noutput = json\n" + awsMFAConfig,
			credentials: awsMFACreds,
			opt:         Options{Profile: "x"},
			want: want{layout: AWSMFA, path: ChainedRole, keysFrom: "x-long-term", shortTerm: "x", mfa: device, role: role,
				rsn: "awsmfa-alice", region: "eu-north-1", session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"region": "config:2"}},
		},
		{
			name: "quoted profile name, [DEFAULT] inheritance, nested settings, comments",
			config: `# my config
[DEFAULT]
region = ca-central-1

[profile "my team"]
; a comment
s3 =
  max_concurrent_requests = 10
  # a comment inside the nested block
  addressing_style = path
role_arn = ` + role + `
source_profile = base
mfa_serial = ` + device + `
cli_pager = less # not a comment: no inline comments in this dialect
`,
			credentials: baseCreds,
			opt:         Options{Profile: "my team"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "my team", mfa: device, role: role,
				rsn: "awsmfa-alice", region: "ca-central-1", session: 43200 * time.Second, roleD: 3600 * time.Second,
				origins: map[string]string{"region": "config:3", "role_arn": "config:11"}},
		},
		{
			name:        "CRLF line ends, a byte-order mark, tabs and the ':' delimiter",
			config:      "\uFEFF[profile dev]\r\n\trole_arn: " + role + "\r\n\tsource_profile : base\r\n\tmfa_serial=" + device + "\r\n",
			credentials: "\uFEFF[base]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\naws_secret_access_key = " + secret + "\r\n",
			opt:         Options{Profile: "dev"},
			want: want{layout: Config, path: ChainedRole, keysFrom: "base", shortTerm: "dev", mfa: device, role: role,
				rsn: "awsmfa-alice", session: 43200 * time.Second, roleD: 3600 * time.Second},
		},
		{
			name:        "[profile default] beats [default]",
			config:      "[profile default]\nmfa_serial = " + device + "\n[default]\nmfa_serial = " + device2 + "\n",
			credentials: "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			want: want{layout: Config, path: SessionToken, keysFrom: "default", shortTerm: "", mfa: device,
				session: 43200 * time.Second, origins: map[string]string{"mfa_serial": "config:2"}},
		},
		{
			name:        "keys in the config file count, as in the AWS CLI",
			config:      "[profile solo]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\nmfa_serial = GAHT12345678\n",
			credentials: missing,
			opt:         Options{Profile: "solo"},
			want: want{layout: Config, path: SessionToken, keysFrom: "solo", shortTerm: "solo", mfa: "GAHT12345678",
				session: 43200 * time.Second, origins: map[string]string{"aws_access_key_id": "config:2"}},
		},
		{
			name:   "the default role session name is sanitized",
			config: missing, credentials: awsMFACreds,
			opt:  Options{Profile: "x"},
			want: want{}, // checked below with another user name
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, tt.config, tt.credentials, tt.env)
			if tt.want.layout == 0 {
				r.Username = "Dr. Jöe (admin)"
				p, err := r.Resolve(tt.opt)
				if err != nil {
					t.Fatal(err)
				}
				if p.RoleSessionName != "awsmfa-Dr.-J-e--admin-" {
					t.Errorf("RoleSessionName = %q", p.RoleSessionName)
				}
				return
			}
			p, err := r.Resolve(tt.opt)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			w := tt.want
			got := want{layout: p.Layout, path: p.Path, keysFrom: p.KeysFrom, shortTerm: p.ShortTerm, mfa: p.MFASerial,
				role: p.RoleARN, rsn: p.RoleSessionName, externalID: p.ExternalID, region: p.Region,
				session: p.SessionDuration, roleD: p.RoleDuration}
			gotOrigins := got.origins
			got.origins, w.origins = nil, nil
			if got.layout != w.layout || got.path != w.path || got.keysFrom != w.keysFrom || got.shortTerm != w.shortTerm ||
				got.mfa != w.mfa || got.role != w.role || got.rsn != w.rsn || got.externalID != w.externalID ||
				got.region != w.region || got.session != w.session || got.roleD != w.roleD {
				t.Errorf("plan:\n got %+v\nwant %+v", got, w)
			}
			_ = gotOrigins
			for k, want := range tt.want.origins {
				if got := short(p.Origins[k]); got != want {
					t.Errorf("Origins[%q] = %s, want %s", k, got, want)
				}
			}
			if p.LongTerm.AccessKeyID != "AKIAIOSFODNN7EXAMPLE" || p.LongTerm.SecretAccessKey != secret || p.LongTerm.SessionToken != "" {
				t.Errorf("LongTerm = %#v (secret ok: %v)", p.LongTerm, p.LongTerm.SecretAccessKey == secret)
			}
			// Every setting with a value has an origin, and none without.
			for key, set := range map[string]bool{
				"mfa_serial": p.MFASerial != "", "role_arn": p.RoleARN != "", "external_id": p.ExternalID != "",
				"role_session_name": p.RoleSessionName != "", "region": p.Region != "", "mfa_process": p.MFAProcess != "",
				"session_duration": p.Path == ChainedRole, "duration": true, "aws_access_key_id": true, "profile": true,
			} {
				if _, ok := p.Origins[key]; ok != set {
					t.Errorf("Origins[%q] present = %v, want %v", key, ok, set)
				}
			}
			// awsmfa write must never be pointed at the long-term keys.
			if p.ShortTerm != "" && p.ShortTerm == p.KeysFrom && p.Origins["aws_access_key_id"].File == p.Files.Credentials {
				t.Errorf("ShortTerm %q is the section holding the long-term keys", p.ShortTerm)
			}
			if p.Describe() == "" || p.Path.String() == "" {
				t.Error("empty description")
			}
		})
	}
}

// TestDefaultSessionNameByLayout checks the default role session name:
// aws-mfa's (the login name) in its layout, awsmfa's for standard profiles,
// and awsmfa's when the login name is unknown.
func TestDefaultSessionNameByLayout(t *testing.T) {
	const keys = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n"
	creds := "[x-long-term]\n" + keys + "aws_mfa_device = " + device + "\nassume_role = " + role + "\n" +
		"[base]\n" + keys
	config := "[profile dev]\nsource_profile = base\nrole_arn = " + role + "\nmfa_serial = " + device + "\n"
	tests := []struct {
		name, profile, login, want, err string
	}{
		{name: "aws-mfa layout: the login name", profile: "x", login: "bob", want: "bob"},
		{name: "standard profile: awsmfa's", profile: "dev", login: "bob", want: "awsmfa-alice"},
		{name: "aws-mfa layout, login name unknown: awsmfa's", profile: "x", want: "awsmfa-alice"},
		{name: "aws-mfa layout, a login name STS would refuse", profile: "x", login: "bob smith",
			err: `role session name "bob smith" (aws-mfa's default: your login name) is malformed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, config, creds, nil)
			r.LoginName = tt.login
			p, err := r.Resolve(Options{Profile: tt.profile})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "--role-session-name") {
					t.Fatalf("err = %v, want %q and a hint", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.RoleSessionName != tt.want || !p.Origins["role_session_name"].Default {
				t.Errorf("role session name %q (%v), want %q (default)", p.RoleSessionName, p.Origins["role_session_name"], tt.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	const keysOnly = "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n"
	roleProfile := func(extra string) string {
		return "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device + "\n" + extra
	}
	tests := []struct {
		name        string
		config      string
		credentials string
		env         map[string]string
		opt         Options
		want        []string // substrings of the message, in order
	}{
		{
			name:   "unknown profile lists the known ones and never falls back to default",
			config: "[default]\nregion = us-east-1\n[profile staging]\nmfa_serial = " + device + "\n", credentials: awsMFACreds + baseCreds,
			opt:  Options{Profile: "stagin"},
			want: []string{`no profile named "stagin" in ~/.aws/config or ~/.aws/credentials`, `did you mean "staging"?`, "\nprofiles: base, default, staging, x"},
		},
		{
			name:   "[NAME] in the config file is not a profile",
			config: "[default]\nregion = us-east-1\n[dev]\nmfa_serial = " + device + "\n", credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`no profile named "dev"`, "([dev] at ~/.aws/config:3 is not a profile: in the config file write [profile dev])", "\nprofiles: default"},
		},
		{
			name:   "unknown profile from AWS_PROFILE",
			config: missing, credentials: baseCreds,
			env:  map[string]string{"AWS_PROFILE": "prod"},
			want: []string{`no profile named "prod"`, "profiles: base"},
		},
		{
			name:   "no files at all",
			config: missing, credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`no profile named "dev": neither ~/.aws/config nor ~/.aws/credentials exists`, "awsmfa setup dev"},
		},
		{
			name:   "no MFA device and no role",
			config: missing, credentials: keysOnly,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "dev" has no MFA device and no role; nothing for awsmfa to do`, "add mfa_serial to [profile dev] in ~/.aws/config"},
		},
		{
			name:   "no MFA device and no role, aws-mfa layout",
			config: missing, credentials: "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			opt:  Options{Profile: "x"},
			want: []string{"nothing for awsmfa to do", "aws_mfa_device to [x-long-term] in ~/.aws/credentials", "MFA_DEVICE"},
		},
		{
			name:   "a role and no MFA device, aws-mfa layout: refused as aws-mfa does",
			config: missing, credentials: "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\nassume_role = " + role + "\n",
			opt:  Options{Profile: "x"},
			want: []string{`profile "x" has a role (~/.aws/credentials:4) and no MFA device; in aws-mfa's layout a code is always required`, "aws_mfa_device to [x-long-term] in ~/.aws/credentials", "--device", "MFA_DEVICE"},
		},
		{
			name:   "a role from MFA_ASSUME_ROLE and no MFA device, aws-mfa layout",
			config: missing, credentials: "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			env:  map[string]string{"MFA_ASSUME_ROLE": role},
			opt:  Options{Profile: "x"},
			want: []string{`profile "x" has a role (env MFA_ASSUME_ROLE) and no MFA device`},
		},
		{
			name:   "device ARN with an 11-digit account",
			config: missing, credentials: keysOnly,
			opt:  Options{Profile: "dev", Device: "arn:aws:iam::12345678901:mfa/alice"},
			want: []string{`MFA device "arn:aws:iam::12345678901:mfa/alice" (flag --device) is malformed: the account id "12345678901" is not 12 digits`, "aws iam list-mfa-devices"},
		},
		{
			name:   "device ARN in an unknown partition, from the file",
			config: missing, credentials: "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\naws_mfa_device = arn:aws-gov:iam::123456789012:mfa/a\n",
			opt:  Options{Profile: "x"},
			want: []string{"(~/.aws/credentials:4) is malformed", `"aws-gov" is not an AWS partition`},
		},
		{
			name:   "a FIDO security key cannot sign API calls",
			config: missing, credentials: keysOnly,
			env:  map[string]string{"MFA_DEVICE": "arn:aws:iam::123456789012:u2f/user/alice/key-ABCDEFGHIJKLMNOP"},
			opt:  Options{Profile: "dev"},
			want: []string{"(env MFA_DEVICE) is malformed: it is a FIDO security key"},
		},
		{
			name:   "hardware serial in lower case",
			config: missing, credentials: keysOnly,
			opt:  Options{Profile: "dev", Device: "gaht12345678"},
			want: []string{"neither a device ARN", "nor a hardware token serial"},
		},
		{
			name:   "hardware serial too short",
			config: missing, credentials: keysOnly,
			opt:  Options{Profile: "dev", Device: "GAHT1234"},
			want: []string{"9 to 256", "this is 8 characters"},
		},
		{
			name:   "malformed role ARN",
			config: "[profile dev]\nrole_arn = arn:aws:iam::210987654321:user/Admin\nsource_profile = base\n", credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{`role "arn:aws:iam::210987654321:user/Admin" (~/.aws/config:2) is malformed: the resource must be role/ROLE-NAME`},
		},
		{
			name:   "session duration 899",
			config: missing, credentials: keysOnly,
			opt:  Options{Profile: "dev", Device: device, Duration: 899 * time.Second},
			want: []string{"duration 899 s (flag --duration) is out of range for GetSessionToken: 900 to 129600 s (15m to 36h)"},
		},
		{
			name:   "session duration 129601",
			config: missing, credentials: keysOnly,
			env:  map[string]string{"MFA_STS_DURATION": "129601", "MFA_DEVICE": device},
			opt:  Options{Profile: "dev"},
			want: []string{"duration 129601 s (env MFA_STS_DURATION) is out of range for GetSessionToken: 900 to 129600 s"},
		},
		{
			name:   "role duration 43201",
			config: roleProfile("duration_seconds = 43201\n"), credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{"duration 43201 s (~/.aws/config:5) is out of range for AssumeRole: 900 to 43200 s (15m to 12h)"},
		},
		{
			name:   "role duration 899",
			config: roleProfile(""), credentials: baseCreds,
			opt:  Options{Profile: "dev", Duration: 899 * time.Second},
			want: []string{"duration 899 s (flag --duration) is out of range for AssumeRole"},
		},
		{
			name:   "MFA session duration 129601 on the chained path",
			config: roleProfile("mfa_session_duration = 129601\n"), credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{"duration 129601 s (~/.aws/config:5) is out of range for the MFA session (GetSessionToken)"},
		},
		{
			name:   "duration that is not a number",
			config: roleProfile("duration_seconds = 1h\n"), credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{`duration "1h" (~/.aws/config:5) is not a whole number of seconds`},
		},
		{
			name:   "duration flag with a fraction of a second",
			config: roleProfile(""), credentials: baseCreds,
			opt:  Options{Profile: "dev", Duration: 1500 * time.Millisecond},
			want: []string{"--duration 1.5s is not a whole number of seconds"},
		},
		{
			name:   "missing secret key",
			config: roleProfile(""), credentials: "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
			opt:  Options{Profile: "dev"},
			want: []string{"[base] in ~/.aws/credentials has aws_access_key_id (~/.aws/credentials:2) but no aws_secret_access_key"},
		},
		{
			name:   "no keys in the source profile",
			config: roleProfile("") + "[profile base]\nregion = us-east-1\n", credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "dev" has no long-term keys: its source profile "base" holds no aws_access_key_id`},
		},
		{
			name:   "no keys at all in a standard profile",
			config: "[profile dev]\nmfa_serial = " + device + "\n", credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "dev" has no long-term keys`, "awsmfa setup dev"},
		},
		{
			name:   "no keys in the aws-mfa section",
			config: missing, credentials: "[x-long-term]\naws_mfa_device = " + device + "\n",
			opt:  Options{Profile: "x"},
			want: []string{"[x-long-term] in ~/.aws/credentials has no long-term keys"},
		},
		{
			name:   "temporary keys where long-term keys are needed",
			config: "[profile x]\nmfa_serial = " + device + "\n", credentials: awsMFACreds,
			opt:  Options{Profile: "x"},
			want: []string{"[x] in ~/.aws/credentials holds temporary keys (aws_session_token at ~/.aws/credentials:12)", "needs the long-term key pair"},
		},
		{
			name:   "temporary keys in the aws-mfa long-term section",
			config: missing, credentials: "[x-long-term]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\naws_mfa_device = " + device + "\n",
			opt:  Options{Profile: "x"},
			want: []string{"[x-long-term] in ~/.aws/credentials holds temporary keys"},
		},
		{
			name: "source_profile cycle",
			config: "[profile a]\nrole_arn = " + role + "\nsource_profile = b\n[profile b]\nsource_profile = c\n" +
				"[profile c]\nsource_profile = a\n",
			credentials: missing,
			opt:         Options{Profile: "a"},
			want:        []string{"source_profile loop: a → b → c → a (~/.aws/config:7)", "make the chain end"},
		},
		{
			name:        "role chain with the MFA device on a later role",
			config:      roleProfile("") + "[profile base]\nrole_arn = " + role2 + "\nsource_profile = root\n",
			credentials: "[root]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n",
			opt:         Options{Profile: "dev"},
			want:        []string{`profile "dev" sets mfa_serial (~/.aws/config:4), but it is a later role of the chain base → dev`, "put mfa_serial on [profile base]"},
		},
		{
			name:   "role chain loop",
			config: "[profile a]\nrole_arn = " + role + "\nsource_profile = b\n[profile b]\nrole_arn = " + role2 + "\nsource_profile = a\n", credentials: baseCreds,
			opt:  Options{Profile: "a"},
			want: []string{"role chain loop: a → b → a (source_profile at ~/.aws/config:6)"},
		},
		{
			name: "role chain of six roles",
			config: "[profile r1]\nrole_arn = " + role + "\nsource_profile = r2\n[profile r2]\nrole_arn = " + role + "\nsource_profile = r3\n" +
				"[profile r3]\nrole_arn = " + role + "\nsource_profile = r4\n[profile r4]\nrole_arn = " + role + "\nsource_profile = r5\n" +
				"[profile r5]\nrole_arn = " + role + "\nsource_profile = r6\n[profile r6]\nrole_arn = " + role + "\nsource_profile = base\n",
			credentials: baseCreds,
			opt:         Options{Profile: "r1"},
			want:        []string{"role chain r1 → r2 → r3 → r4 → r5 → r6 … has more than 5 roles", "shorten the chain"},
		},
		{
			name:   "role chain asked for more than an hour",
			config: "[profile prod]\nrole_arn = " + role2 + "\nsource_profile = jump\n[profile jump]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device + "\n", credentials: baseCreds,
			opt:  Options{Profile: "prod", Duration: 2 * time.Hour},
			want: []string{"duration 7200 s (flag --duration) is too long for role " + role2 + ` of profile "prod": AWS caps a chained role session (jump → prod) at 3600 s (1h)`},
		},
		{
			name:   "role chain with an hour and a half in the file",
			config: "[profile prod]\nrole_arn = " + role2 + "\nsource_profile = jump\nduration_seconds = 5400\n[profile jump]\nrole_arn = " + role + "\nsource_profile = base\n", credentials: baseCreds,
			opt:  Options{Profile: "prod"},
			want: []string{"duration 5400 s (~/.aws/config:4) is too long"},
		},
		{
			name:   "source profile that does not exist",
			config: roleProfile(""), credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "dev": its source_profile "base" (~/.aws/config:3) does not exist`},
		},
		{
			name:   "role_arn without source_profile or keys",
			config: "[profile dev]\nrole_arn = " + role + "\n", credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "dev" has no long-term keys`},
		},
		{
			name:   "credential_process profiles are not awsmfa's",
			config: "[profile sso]\ncredential_process = awsmfa credential-process dev\n", credentials: missing,
			opt:  Options{Profile: "sso"},
			want: []string{`profile "sso" gets its credentials from credential_process (~/.aws/config:2)`},
		},
		{
			name:   "an SSO source profile is not awsmfa's",
			config: roleProfile("") + "[profile base]\nsso_session = corp\n", credentials: missing,
			opt:  Options{Profile: "dev"},
			want: []string{`profile "base" (source of "dev") gets its credentials from sso_session`},
		},
		{
			name:   "bad role session name",
			config: roleProfile(""), credentials: baseCreds,
			opt:  Options{Profile: "dev", RoleSessionName: "a"},
			want: []string{`role session name "a" (flag --role-session-name) is malformed: it is 1 characters; STS wants 2 to 64`},
		},
		{
			name:   "bad external id",
			config: roleProfile("external_id = has space\n"), credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{"external id (~/.aws/config:5) is malformed"},
		},
		{
			name:   "equal suffixes",
			config: missing, credentials: awsMFACreds,
			opt:  Options{Profile: "x", LongTermSuffix: str("same"), ShortTermSuffix: str("same")},
			want: []string{`--long-term-suffix and --short-term-suffix are both "same"`},
		},
		{
			name:   "nested value where one value is expected",
			config: "[profile dev]\nmfa_serial =\n  " + device + "\n", credentials: keysOnly,
			opt:  Options{Profile: "dev"},
			want: []string{"~/.aws/config:2: mfa_serial has a nested value on indented lines"},
		},
		{
			name:   "nested value on the source profile's mfa_serial",
			config: "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\n[profile base]\nmfa_serial =\n  " + device + "\n", credentials: baseCreds,
			opt:  Options{Profile: "dev"},
			want: []string{"~/.aws/config:5: mfa_serial has a nested value on indented lines"},
		},
		{
			name:   "duplicate key in the profile read",
			config: "[profile dev]\nmfa_serial = " + device + "\nMFA_SERIAL = " + device2 + "\n", credentials: keysOnly,
			opt:  Options{Profile: "dev"},
			want: []string{"~/.aws/config:3: mfa_serial is set twice in [profile dev]; remove one"},
		},
		{
			name:   "duplicate section read",
			config: "[profile dev]\nmfa_serial = " + device + "\n\n[profile dev]\nregion = x\n", credentials: keysOnly,
			opt:  Options{Profile: "dev"},
			want: []string{"~/.aws/config:4: section [profile dev] appears again (first at line 1); merge the two"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, tt.config, tt.credentials, tt.env)
			p, err := r.Resolve(tt.opt)
			if err == nil {
				t.Fatalf("Resolve succeeded: %+v", p)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error\n%s\ndoes not contain (in order) %q", msg, w)
				}
				rest = rest[i+len(w):]
			}
			if n := strings.Count(msg, "\n"); n > 1 {
				t.Errorf("error has %d lines, the contract allows 2:\n%s", n+1, msg)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "shorttermsecret") || strings.Contains(msg, "EXAMPLETOKEN") {
				t.Errorf("error reveals a secret:\n%s", msg)
			}
		})
	}
}

func TestUnknownProfileIs(t *testing.T) {
	r := home(t, missing, baseCreds, nil)
	_, err := r.Resolve(Options{Profile: "nope"})
	var ue *UnknownProfileError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &ue) || ue.Name != "nope" || len(ue.Known) != 1 || ue.Known[0] != "base" {
		t.Fatalf("err = %#v", err)
	}
}

func TestUnknownProfileManyNames(t *testing.T) {
	r, _ := manyProfiles(t, 100)
	_, err := r.Resolve(Options{Profile: "team0000"})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, w := range []string{`did you mean "team00000"?`, "profiles: base, default, team00000,", "… and 90 more (awsmfa list)"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message lacks %q:\n%s", w, msg)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name   string
		config string
		cred   string
		want   string
	}{
		{"unclosed section header", "[default]\nregion = us-east-1\n\n# dev\n\n\n[profile dev\nmfa_serial = x\n", "",
			`~/.aws/config:7: unclosed section header "[profile dev"`},
		{"key before any section", "region = us-east-1\n[default]\n", "", `~/.aws/config:1: "region = …" comes before any [section] header`},
		{"line with no delimiter", "[default]\nregion us-east-1\n", "", `~/.aws/config:2: a line of 16 characters (not shown: it may hold a secret) is not a [section] header or a key = value line`},
		{"empty key", "[default]\n = x\n", "", `~/.aws/config:2: " = …" has no key before the '='`},
		{"empty header", "[default]\n[]\n", "", "~/.aws/config:2: empty section header []"},
		{"credentials file too", "", "[base]\naws_access_key_id\n", `~/.aws/credentials:2: a line of 17 characters (not shown: it may hold a secret) is not a [section] header`},
		{"a pasted secret is not shown", "", "[base]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", `~/.aws/credentials:2: a line of 40 characters (not shown: it may hold a secret)`},
		{"a value before any section is not shown", "", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[base]\n", `~/.aws/credentials:1: "aws_secret_access_key = …" comes before`},
		{"error far from the profile asked for", "[profile dev]\nmfa_serial = " + device + "\n[profile other]\nthis line is broken\n", "",
			`~/.aws/config:4: a line of 19 characters (not shown: it may hold a secret) is not`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, tt.config, tt.cred, nil)
			for _, call := range []func() error{
				func() error { _, err := r.Resolve(Options{Profile: "dev"}); return err },
				func() error { _, err := r.Names(Options{}); return err },
			} {
				err := call()
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a *SyntaxError", err)
				}
				if !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("err =\n%s\nwant prefix\n%s", err, tt.want)
				}
				if !strings.Contains(err.Error(), "\nfix that line") {
					t.Errorf("no hint in %q", err)
				}
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	r := home(t, missing, missing, nil)
	if err := os.Mkdir(filepath.Join(r.HomeDir, ".aws", "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := r.Resolve(Options{Profile: "dev"})
	if err == nil || !strings.HasPrefix(err.Error(), "cannot read ~/.aws/config: is a directory") || !strings.Contains(err.Error(), "AWS_CONFIG_FILE") {
		t.Fatalf("err = %v", err)
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name  string
		files Files
		env   map[string]string
		want  Files
	}{
		{"defaults", Files{}, nil, Files{"/h/.aws/config", "/h/.aws/credentials"}},
		{"environment with ~ and $VAR", Files{},
			map[string]string{"AWS_CONFIG_FILE": "~/cfg/aws", "AWS_SHARED_CREDENTIALS_FILE": "$SECRETS/creds", "SECRETS": "/s"},
			Files{"/h/cfg/aws", "/s/creds"}},
		{"unset variables stay as written", Files{}, map[string]string{"AWS_CONFIG_FILE": "/x/${NOPE}/c"},
			Files{"/x/${NOPE}/c", "/h/.aws/credentials"}},
		{"explicit beats environment", Files{Config: "/e/config"}, map[string]string{"AWS_CONFIG_FILE": "/env/config"},
			Files{"/e/config", "/h/.aws/credentials"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Resolver{Getenv: func(k string) string { return tt.env[k] }, HomeDir: "/h", Files: tt.files}
			got, err := r.Paths()
			if err != nil || got != tt.want {
				t.Errorf("Paths() = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if _, err := (&Resolver{}).Paths(); err == nil || !strings.Contains(err.Error(), "cannot find your home directory") {
		t.Errorf("no home: err = %v", err)
	}
}

func TestEnvironmentFiles(t *testing.T) {
	dir := t.TempDir()
	cfg, cred := filepath.Join(dir, "c"), filepath.Join(dir, "k")
	if err := os.WriteFile(cfg, []byte("[profile p]\nmfa_serial = "+device+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cred, []byte("[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": cred}
	r := &Resolver{Getenv: func(k string) string { return env[k] }, HomeDir: "/nonexistent"}
	p, err := r.Resolve(Options{Profile: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Files != (Files{cfg, cred}) || p.Origins["mfa_serial"] != (Origin{File: cfg, Line: 2}) {
		t.Errorf("Files = %+v, origin = %+v", p.Files, p.Origins["mfa_serial"])
	}
}

func TestNames(t *testing.T) {
	config := "[default]\nregion = us-east-1\n" + awsMFAConfig +
		"[profile dev]\nrole_arn = " + role + "\nsource_profile = base\n" +
		"[sso-session corp]\nsso_region = us-east-1\n[services s]\n[profile a b]\n[profileX]\n"
	cred := awsMFACreds + baseCreds + "[y-long-term]\naws_access_key_id = A\naws_secret_access_key = B\n[y-short]\naws_session_token = t\n"
	r := home(t, config, cred, nil)
	got, err := r.Names(Options{ShortTermSuffix: str("short")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Summary{{"base", Config}, {"default", Config}, {"dev", Config}, {"x", AWSMFA}, {"y", AWSMFA}}
	if len(got) != len(want) {
		t.Fatalf("Names = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Names[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// Without the short suffix, [y-short] is a profile of its own (with
	// temporary keys), and [x] is x's short-term section.
	got, err = r.Names(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "base,default,dev,x,y,y-short" {
		t.Errorf("Names = %v", names)
	}
}

func TestNamesDuplicateAnywhere(t *testing.T) {
	r := home(t, "[profile a]\nregion = x\n[profile b]\nregion = y\nREGION = z\n", missing, nil)
	if _, err := r.Names(Options{}); err == nil || !strings.HasPrefix(err.Error(), "~/.aws/config:5: region is set twice in [profile b]") {
		t.Errorf("err = %v", err)
	}
	r = home(t, "[sso-session s]\n[sso-session s]\n", missing, nil)
	if _, err := r.Names(Options{}); err == nil || !strings.HasPrefix(err.Error(), "~/.aws/config:2: section [sso-session s] appears again") {
		t.Errorf("err = %v", err)
	}
}

func TestList(t *testing.T) {
	config := awsMFAConfig + "[profile dev]\nrole_arn = " + role + "\nsource_profile = base\nmfa_serial = " + device + "\n" +
		"[profile broken]\nmfa_serial = nonsense\n"
	r := home(t, config, awsMFACreds+baseCreds+"[broken]\naws_access_key_id = A\naws_secret_access_key = B\n", nil)
	got, err := r.List(Options{Profile: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range got {
		line := e.Name + " " + e.Layout.String() + " "
		if e.Err != nil {
			line += "error"
		} else {
			line += e.Plan.Path.String()
		}
		lines = append(lines, line)
	}
	want := "base config error|broken config error|dev config mfa-session+role|x aws-mfa mfa-session+role"
	if strings.Join(lines, "|") != want {
		t.Errorf("List =\n%s\nwant\n%s", strings.Join(lines, "|"), want)
	}
}

func TestDefaultSessionName(t *testing.T) {
	long := strings.Repeat("a", 100)
	for user, want := range map[string]string{
		"alice":           "awsmfa-alice",
		"":                "awsmfa",
		"DOMAIN\\bob":     "awsmfa-DOMAIN-bob",
		"ölaf smith":      "awsmfa--laf-smith",
		"a+b=c,d.e@f_g-h": "awsmfa-a+b=c,d.e@f_g-h",
		long:              "awsmfa-" + long[:57],
	} {
		got := DefaultSessionName(user)
		if got != want {
			t.Errorf("DefaultSessionName(%q) = %q, want %q", user, got, want)
		}
		if p := checkSessionName(got); p != "" {
			t.Errorf("DefaultSessionName(%q) = %q is invalid: %s", user, got, p)
		}
	}
}

func TestOriginString(t *testing.T) {
	for o, want := range map[Origin]string{
		{File: "/home/u/.aws/config", Line: 12}: "/home/u/.aws/config:12",
		{Env: "MFA_DEVICE"}:                     "env MFA_DEVICE",
		{Flag: "--device"}:                      "flag --device",
		{Default: true}:                         "default",
	} {
		if got := o.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", o, got, want)
		}
	}
}

func TestSettings(t *testing.T) {
	r := home(t, awsMFAConfig, awsMFACreds, map[string]string{"MFA_STS_DURATION": "1800"})
	p, err := r.Resolve(Options{Profile: "x", ExternalID: "ext-1"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range p.Settings() {
		lines = append(lines, s.Key+"="+s.Value+"@"+short(s.Origin))
		if strings.Contains(s.Value, secret) {
			t.Errorf("setting %s shows the secret", s.Key)
		}
	}
	want := []string{
		"profile=x@flag --profile",
		"aws_access_key_id=AKIAIOSFODNN7EXAMPLE (in [x-long-term])@credentials:2",
		"mfa_serial=" + device + "@credentials:4",
		"role_arn=" + role + "@credentials:5",
		"external_id=ext-1@flag --external-id",
		"role_session_name=awsmfa-alice@default",
		"duration=30m@env MFA_STS_DURATION",
		"session_duration=12h@default",
		"region=ap-northeast-1@config:2",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("Settings:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestShortTermFound checks that a plan says whether the credentials file
// holds its short-term section, so the section is read only when it is
// there.
func TestShortTermFound(t *testing.T) {
	const lt = "[x-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\naws_mfa_device = " + device + "\n"
	for _, tt := range []struct {
		name, creds string
		want        bool
	}{
		{"aws-mfa wrote [x]", lt + "[x]\nassumed_role = False\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\n" +
			"aws_session_token = t\naws_security_token = t\nexpiration = 2026-01-01 00:00:00\n", true},
		{"no [x] yet", lt, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := home(t, missing, tt.creds, nil).Resolve(Options{Profile: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if p.ShortTermFound != tt.want {
				t.Errorf("ShortTermFound = %v, want %v", p.ShortTermFound, tt.want)
			}
		})
	}
}
