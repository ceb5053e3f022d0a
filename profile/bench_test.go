package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/ini.v1"
)

// manyProfiles writes a config file with n role profiles (each with a role,
// a source profile, an MFA device and a region, as a large organisation's
// generated config looks) and a credentials file with the one source
// profile, and returns a Resolver for them.
func manyProfiles(tb testing.TB, n int) (*Resolver, string) {
	tb.Helper()
	dir := tb.TempDir()
	var cfg strings.Builder
	cfg.WriteString("[default]\nregion = us-east-1\noutput = json\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&cfg, "[profile team%05d]\nrole_arn = arn:aws:iam::%012d:role/Developer\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = eu-west-1\n\n", i, 100000000000+i)
	}
	cfgPath := filepath.Join(dir, "config")
	credPath := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	cred := "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
	if err := os.WriteFile(credPath, []byte(cred), 0o600); err != nil {
		tb.Fatal(err)
	}
	r := &Resolver{Getenv: func(string) string { return "" }, HomeDir: dir, Username: "alice",
		Files: Files{Config: cfgPath, Credentials: credPath}}
	return r, cfgPath
}

// BenchmarkResolve measures Resolve, which runs on the cache-hit path of
// every `awsmfa env`, as the config file grows. The target: 10000 profiles may
// add at most 2 ms.
func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			r, _ := manyProfiles(b, n)
			name := fmt.Sprintf("team%05d", n/2)
			b.ReportAllocs()
			for b.Loop() {
				p, err := r.Resolve(Options{Profile: name})
				if err != nil || p.Path != ChainedRole {
					b.Fatal(p, err)
				}
			}
		})
	}
}

// benchConfig writes the config of scripts/bench.sh (make bench): [profile
// dev] with an MFA device and mfa_process, [profile admin], then filler role
// profiles up to n, and the credentials file with [dev]'s keys.
func benchConfig(tb testing.TB, n int) *Resolver {
	tb.Helper()
	dir := tb.TempDir()
	const serial = "arn:aws:iam::123456789012:mfa/demo"
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[profile dev]\nmfa_serial = %s\nmfa_process = /tmp/bin/stsemu code --url http://127.0.0.1:4567 --serial %s\n\n", serial, serial)
	fmt.Fprintf(&cfg, "[profile admin]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/demo-admin\nmfa_serial = %s\nmfa_process = /tmp/bin/stsemu code --url http://127.0.0.1:4567 --serial %s\n", serial, serial)
	for i := 3; i <= n; i++ {
		fmt.Fprintf(&cfg, "\n[profile team-%05d]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/team-%05d\nmfa_serial = %s\nregion = eu-west-1\nduration_seconds = 3600\n", i, i, serial)
	}
	cfgPath := filepath.Join(dir, "config")
	credPath := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	cred := "[dev]\naws_access_key_id = AKIAEMULATORDEMO0001\naws_secret_access_key = demoSecretAccessKey/EmulatorOnly+0000000000\n"
	if err := os.WriteFile(credPath, []byte(cred), 0o600); err != nil {
		tb.Fatal(err)
	}
	return &Resolver{Getenv: func(string) string { return "" }, HomeDir: dir, Username: "alice",
		Files: Files{Config: cfgPath, Credentials: credPath}}
}

// BenchmarkResolveBench resolves dev, as `awsmfa env dev` does on every
// cache hit in make bench, with the bench's 2- and 10000-profile configs:
// the difference is what make bench allows at most 2 ms for, whole-process.
func BenchmarkResolveBench(b *testing.B) {
	for _, n := range []int{2, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			r := benchConfig(b, n)
			b.ReportAllocs()
			for b.Loop() {
				p, err := r.Resolve(Options{Profile: "dev"})
				if err != nil || p.Path != SessionToken {
					b.Fatal(p, err)
				}
			}
		})
	}
}

// BenchmarkNames lists every profile of a 10000-profile config, as
// completion, list and the unknown-profile error do: it must stay linear.
func BenchmarkNames(b *testing.B) {
	r, _ := manyProfiles(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		names, err := r.Names(Options{})
		if err != nil || len(names) != 10002 {
			b.Fatal(len(names), err)
		}
	}
}

// BenchmarkParse compares reading a 10000-profile config file with this
// package (through internal/awsini) and with gopkg.in/ini.v1, the library
// first chosen for this job (which also keeps no line numbers).
func BenchmarkParse(b *testing.B) {
	_, cfgPath := manyProfiles(b, 10000)
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := loadFile(cfgPath, cfgPath, true, true, 0)
			if err != nil {
				b.Fatal(err)
			}
			if i, _ := f.lookup("team05000"); i < 0 {
				b.Fatal("no team05000")
			}
			f.close()
		}
	})
	b.Run("ini.v1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := ini.Load(cfgPath)
			if err != nil || !f.HasSection("profile team05000") {
				b.Fatal(err)
			}
		}
	})
}
