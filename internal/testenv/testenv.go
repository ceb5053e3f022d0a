// Package testenv lets tests depend on outside programs (bash, zsh, fish,
// the AWS CLI) without making them fail on a machine that has only Go.
//
// A missing program skips the test with a message saying what to install.
// When the environment variable AWSMFA_REQUIRE_ALL is set to 1, as CI sets
// it, a missing program fails the test instead, so that no check is skipped
// silently where every program is supposed to be present.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the absolute path of program, found through $PATH. When the
// program is missing it skips t, or fails t if AWSMFA_REQUIRE_ALL=1.
func Need(t testing.TB, program string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	if os.Getenv("AWSMFA_REQUIRE_ALL") == "1" {
		t.Fatalf("this test needs %s, which was not found in PATH (%v); AWSMFA_REQUIRE_ALL=1 forbids skipping: install %s", program, err, program)
	}
	t.Skipf("skipping: this test needs %s, which was not found in PATH; install it to run this test (AWSMFA_REQUIRE_ALL=1 makes this a failure)", program)
	return ""
}
