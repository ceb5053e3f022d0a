package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzResolve feeds arbitrary config and credentials text and a profile
// name to Resolve, Names and List: none may panic or hang, every error must
// fit the two-line contract, and every plan Resolve returns must be valid.
// Resolve must return the same whether the files are read whole or
// streamed (awsini's FuzzScan checks its scan against its lexer).
// Seeds are the fixtures of the table tests; more live in
// testdata/fuzz/FuzzResolve.
func FuzzResolve(f *testing.F) {
	f.Add(awsMFAConfig, awsMFACreds, "x")
	f.Add("[profile dev]\nrole_arn = "+role+"\nsource_profile = base\nmfa_serial = "+device+"\nregion = eu-west-1\n", baseCreds, "dev")
	f.Add("[default]\nregion = us-east-1\n[profile base]\nmfa_serial = "+device+"\n[profile dev]\nrole_arn = "+role+"\nsource_profile = base\nduration_seconds = 7200\n", baseCreds, "dev")
	f.Add("[profile a]\nrole_arn = "+role+"\nsource_profile = b\n[profile b]\nsource_profile = a\n", "", "a")
	f.Add("[profile a]\nrole_arn = "+role+"\nsource_profile = b\n[profile b]\nrole_arn = "+role2+"\nsource_profile = base\nmfa_serial = "+device+"\n", baseCreds, "a")
	f.Add("[profile a]\nrole_arn = "+role+"\nsource_profile = b\n[profile b]\nrole_arn = "+role2+"\nsource_profile = a\n", baseCreds, "a")
	f.Add("[profile k]\ncredential_process = pass aws\n[profile dev]\nsource_profile = k\nmfa_serial = "+device+"\n", "", "dev")
	f.Add("[DEFAULT]\nregion = d\n[profile \"my team\"]\ns3 =\n  max = 1\nmfa_serial = GAHT12345678\n", "[my team]\naws_access_key_id = A\naws_secret_access_key = B\n", "my team")
	f.Add("\uFEFF[profile dev]\r\n\trole_arn: "+role+"\r\n", "[dev]\naws_session_token = t\n", "dev")
	for _, c := range dialectCases {
		f.Add(c.config, baseCreds, c.profile)
	}
	dir := f.TempDir()
	cfg, cred := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	f.Fuzz(func(t *testing.T, config, credentials, name string) {
		if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cred, []byte(credentials), 0o600); err != nil {
			t.Fatal(err)
		}
		r := &Resolver{Getenv: func(string) string { return "" }, HomeDir: dir, Username: "fuzz",
			Files: Files{Config: cfg, Credentials: cred}}
		opt := Options{Profile: name}
		p, err := r.Resolve(opt)
		if err != nil {
			checkMessage(t, err)
		} else {
			checkPlan(t, p)
		}
		// Streamed through a small buffer, or read whole, the files
		// resolve alike.
		for _, chunk := range []int{-1, 16 + len(name)%32} {
			r2 := *r
			r2.chunk = chunk
			p2, err2 := r2.Resolve(opt)
			if !sameResult(p, err, p2, err2) {
				t.Fatalf("chunk %d: Resolve = %+v, %v; with the default buffer %+v, %v", chunk, p2, err2, p, err)
			}
		}
		if _, err := r.Names(opt); err != nil {
			checkMessage(t, err)
		}
		entries, err := r.List(opt)
		if err != nil {
			checkMessage(t, err)
		}
		for _, e := range entries {
			if e.Err != nil {
				checkMessage(t, e.Err)
			} else {
				checkPlan(t, e.Plan)
			}
		}
	})
}

func checkMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.Count(msg, "\n") > 1 || strings.TrimSpace(msg) == "" {
		t.Fatalf("error does not fit the two-line contract: %q", msg)
	}
}

// checkPlan checks what Resolve promises of every plan.
func checkPlan(t *testing.T, p *Plan) {
	t.Helper()
	fail := func(format string, args ...any) { t.Fatalf("plan %+v: "+format, append([]any{p}, args...)...) }
	keyOrigin := "aws_access_key_id"
	if p.KeysProcess != "" {
		keyOrigin = "credential_process"
		if p.LongTerm != (Plan{}).LongTerm {
			fail("keys beside a credential_process")
		}
	} else if p.LongTerm.AccessKeyID == "" || p.LongTerm.SecretAccessKey == "" || p.LongTerm.SessionToken != "" {
		fail("long-term keys incomplete")
	}
	if len(p.Chain) > 0 && (p.RoleARN == "" || p.RoleProfile == "" || len(p.Chain) >= MaxChainedRoles) {
		fail("bad role chain")
	}
	for _, h := range p.Chain {
		if checkRoleARN(h.RoleARN) != "" || checkSessionName(h.RoleSessionName) != "" || h.Duration < minRole || h.Duration > maxChained {
			fail("bad hop %+v", h)
		}
	}
	if p.MFASerial != "" && checkMFASerial(p.MFASerial) != "" {
		fail("invalid MFA serial")
	}
	if p.RoleARN != "" && (checkRoleARN(p.RoleARN) != "" || checkSessionName(p.RoleSessionName) != "") {
		fail("invalid role or session name")
	}
	in := func(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }
	switch p.Path {
	case SessionToken:
		if p.MFASerial == "" || p.RoleARN != "" || !in(p.SessionDuration, minSession, maxSession) || p.RoleDuration != 0 {
			fail("bad SessionToken plan")
		}
	case ChainedRole:
		if p.MFASerial == "" || p.RoleARN == "" || !in(p.SessionDuration, minSession, maxSession) || !in(p.RoleDuration, minRole, maxChained) {
			fail("bad ChainedRole plan")
		}
	case RoleWithMFA:
		if p.MFASerial == "" || p.RoleARN == "" || !in(p.RoleDuration, maxChained+time.Second, maxRole) {
			fail("bad RoleWithMFA plan")
		}
	case Role:
		if p.MFASerial != "" || p.RoleARN == "" || !in(p.RoleDuration, minRole, maxRole) {
			fail("bad Role plan")
		}
	default:
		fail("no path")
	}
	for _, k := range []string{"profile", keyOrigin, "duration"} {
		if _, ok := p.Origins[k]; !ok {
			fail("no origin for %s", k)
		}
	}
}

// sameResult reports whether two calls of Resolve returned the same.
func sameResult(p *Plan, err error, p2 *Plan, err2 error) bool {
	if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
		return false
	}
	return reflect.DeepEqual(p, p2)
}
