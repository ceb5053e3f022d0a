// Package testenv is what tests that run awsmfa and other programs for real
// share: this module's commands built once per test binary (Builds), the
// mounts that make a directory read-only or full (Mount, ReadOnly, Tmpfs),
// more parallel tests for packages whose tests mostly wait (Parallel), and
// outside programs (bash, zsh, fish, the AWS CLI) that a test may depend
// on without failing on a machine that has only Go. Its subpackage sandbox
// makes a private user with an STS emulator.
//
// A missing program skips the test with a message saying what to install.
// When the environment variable AWSMFA_REQUIRE_ALL is set to 1, as CI sets
// it, a missing program fails the test instead, so that no check is skipped
// silently where every program is supposed to be present.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
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

// Skip skips t with the message, or fails t when AWSMFA_REQUIRE_ALL=1: for
// checks that need something of the machine other than a program (root,
// permission to mount), which CI has and a developer's laptop may not.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("AWSMFA_REQUIRE_ALL") == "1" {
		t.Fatalf("%s; AWSMFA_REQUIRE_ALL=1 forbids skipping this test", msg)
	}
	t.Skipf("skipping: %s (AWSMFA_REQUIRE_ALL=1 makes this a failure)", msg)
}

// NeedRoot skips t unless it runs as root (see Skip).
func NeedRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "this test must run as root to %s", why)
	}
}

// AWSCLIv2Path is where Debian's awscli package installs the AWS CLI v2.
const AWSCLIv2Path = "/usr/bin/aws"

// AWSCLIv2 returns the path of the AWS CLI v2: Debian's /usr/bin/aws, never
// an older aws that comes first in PATH. It skips t (see Skip) when that
// program is missing or is not version 2.
func AWSCLIv2(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(AWSCLIv2Path, "--version").CombinedOutput()
	if err != nil {
		Skip(t, "this test needs the AWS CLI v2 at %s (%v): install the Debian package awscli", AWSCLIv2Path, err)
	}
	if !strings.HasPrefix(string(out), "aws-cli/2.") {
		Skip(t, "this test needs the AWS CLI v2; %s says %q", AWSCLIv2Path, strings.TrimSpace(string(out)))
	}
	return AWSCLIv2Path
}
