package sandbox

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/stsemu"
)

// TestNew: the files are the user's alone, an empty one is not written,
// the environment names the sandbox and keeps none of the caller's AWS
// settings, and requests to the emulator are counted.
func TestNew(t *testing.T) {
	t.Setenv("AWS_PROFILE", "the-callers")
	u := New(t, stsemu.DemoState(), "[profile dev]\n", "")
	fi, err := os.Stat(u.Config())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config: %v, mode %v; want a file only its owner reads", err, fi.Mode())
	}
	if _, err := os.Stat(u.Credentials()); !os.IsNotExist(err) {
		t.Errorf("credentials: %v, want no file for empty text", err)
	}
	env := strings.Join(u.Env(), "\n") + "\n"
	for _, want := range []string{"HOME=" + u.Home + "\n", "XDG_CACHE_HOME=" + u.Cache + "\n", "AWS_ENDPOINT_URL_STS=" + u.URL + "\n", "AWS_CONFIG_FILE=" + u.Config() + "\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %q:\n%s", want, env)
		}
	}
	if v := u.Vars(); v["HOME"] != u.Home || v["AWS_ENDPOINT_URL_IAM"] != u.URL || len(v) != len(u.Env()) {
		t.Errorf("Vars = %v, want Env as a map", v)
	}
	if strings.Contains(env, "the-callers") {
		t.Errorf("Env lets the caller's AWS_PROFILE in:\n%s", env)
	}
	resp, err := http.Get(u.URL + "/_emu/time")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := u.Hits(); got != 1 {
		t.Errorf("Hits = %d after one request, want 1", got)
	}
	if c := u.Code(t); len(c) != 6 {
		t.Errorf("Code = %q, want 6 digits", c)
	}
}
