package sh

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func TestOutput(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	for _, tc := range []struct {
		name, command, out, stderr, err string
	}{
		{name: "stdout", command: "echo one; echo two", out: "one\ntwo\n"},
		{name: "environment", command: `printf %s "$X"`, out: "from env"},
		{name: "stderr apart", command: "echo secret; echo hint >&2", out: "secret\n", stderr: "hint\n"},
		{name: "exit status", command: "echo secret; exit 3", err: "failed (exit status 3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			out, err := Output(context.Background(), tc.command, []string{"X=from env"}, &stderr)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || strings.Contains(err.Error(), "secret") {
					t.Fatalf("Output() error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(out) != tc.out || stderr.String() != tc.stderr {
				t.Fatalf("Output() = %q, %v, stderr %q; want %q, stderr %q", out, err, stderr.String(), tc.out, tc.stderr)
			}
		})
	}
}
