// Command awsmfa-keyring is awsmfa's keyring helper: awsmfa starts it to
// read, store or remove a long-term secret access key in the system
// keyring, and it answers one JSON request on stdin with one JSON response
// on stdout (internal/keystore). It is a program of its own so that the
// keyring library, whose package init connects to the D-Bus session bus,
// is not linked into awsmfa, whose start-up is on every prompt.
//
// Install it beside awsmfa; it is not meant to be run by hand.
package main

import (
	"fmt"
	"os"

	// First, so that the keyring library's init never starts a bus.
	_ "github.com/awsmfa/awsmfa/internal/dbusoff"
	"github.com/awsmfa/awsmfa/internal/keystore/backend"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "awsmfa-keyring is the helper awsmfa uses the system keyring through; it takes no arguments. Use: awsmfa keyring --help")
		os.Exit(2)
	}
	os.Exit(backend.Serve(os.Stdin, os.Stdout, os.Getenv))
}
