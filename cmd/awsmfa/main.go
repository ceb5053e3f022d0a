// Command awsmfa gets temporary AWS credentials with MFA, caches them, and
// puts them where the user works: into the current shell (awsmfa env), into
// one command (awsmfa exec), into the prompt (awsmfa hook) and into any AWS
// SDK (awsmfa credential-process).
//
// This package is wiring only: flags in, one call into a package, output out.
package main

import (
	"os"

	"github.com/awsmfa/awsmfa/internal/dbusoff"
)

func main() {
	os.Exit(realMain())
}

// realMain runs the command line of this process; tests run it too.
func realMain() int {
	// dbusoff kept the keyring library's init off the session bus; the
	// environment goes back to the user's before anything else runs.
	dbusoff.Restore()
	return newApp().run(os.Args)
}
