// Command awsmfa gets temporary AWS credentials with MFA, caches them, and
// puts them where the user works: into the current shell (awsmfa env), into
// one command (awsmfa exec), into the prompt (awsmfa hook) and into any AWS
// SDK (awsmfa credential-process).
//
// This package is wiring only: flags in, one call into a package, output out.
package main

import "os"

func main() {
	os.Exit(newApp().run(os.Args))
}
