// Package sandbox gives a test a private user to run awsmfa as: a home
// directory with ~/.aws/config and ~/.aws/credentials, a cache directory,
// an STS emulator on 127.0.0.1, and the complete environment that points
// awsmfa at them and at nothing of the machine's own.
package sandbox

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// User is one private user.
type User struct {
	// Home is $HOME; ~/.aws holds the config and credentials files.
	Home string
	// Cache is $XDG_CACHE_HOME; awsmfa's store is Cache/awsmfa.
	Cache string
	// Emu is the STS and IAM that AWS_ENDPOINT_URL_STS and _IAM name.
	Emu *stsemu.Server
	// URL is the emulator's address, http://127.0.0.1:PORT.
	URL string

	hits atomic.Int64
}

// New makes a User in a new temporary directory of t, with ~/.aws/config
// and ~/.aws/credentials holding config and credentials (an empty one is
// not written) and an emulator serving state until t ends.
func New(t testing.TB, state stsemu.State, config, credentials string) *User {
	t.Helper()
	dir := t.TempDir()
	u := &User{Home: filepath.Join(dir, "home"), Cache: filepath.Join(dir, "cache"), Emu: stsemu.New(state)}
	if err := os.MkdirAll(filepath.Join(u.Home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	for path, text := range map[string]string{u.Config(): config, u.Credentials(): credentials} {
		if text == "" {
			continue
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		u.Emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u.URL = srv.URL
	return u
}

// Config is the path of ~/.aws/config.
func (u *User) Config() string { return filepath.Join(u.Home, ".aws", "config") }

// Credentials is the path of ~/.aws/credentials.
func (u *User) Credentials() string { return filepath.Join(u.Home, ".aws", "credentials") }

// Store is the directory of awsmfa's cache.
func (u *User) Store() string { return filepath.Join(u.Cache, "awsmfa") }

// Hits counts the HTTP requests that reached the emulator's address,
// whatever they were and whether or not the emulator logged them.
func (u *User) Hits() int64 { return u.hits.Load() }

// Code is the demo device's current code by the emulator's clock.
func (u *User) Code(t testing.TB) string {
	t.Helper()
	c, err := u.Emu.CurrentCode(stsemu.DemoSerial, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Env is the user's complete environment for awsmfa and the programs it
// runs: Environ and the machine's PATH, nothing else of the caller's (no
// AWS_* setting leaks in, so no request can leave 127.0.0.1).
func (u *User) Env() []string {
	return append([]string{"PATH=" + os.Getenv("PATH")}, Environ(u.Home, u.Cache, u.URL)...)
}

// Vars is Env as a map, for awsmfa run in the test's own process with a
// getenv of the test's.
func (u *User) Vars() map[string]string {
	m := map[string]string{}
	for _, kv := range u.Env() {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// Environ is the environment, all but PATH, of a user whose home is home,
// cache cache and STS and IAM at url, for a harness that makes these itself.
func Environ(home, cache, url string) []string {
	return []string{
		"HOME=" + home,
		"USER=tester",
		"SHELL=/bin/bash",
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, ".aws", "credentials"),
		"XDG_CACHE_HOME=" + cache,
		"AWS_ENDPOINT_URL_STS=" + url,
		"AWS_ENDPOINT_URL_IAM=" + url,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}
