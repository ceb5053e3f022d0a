// Package shellinit holds the prompt hooks that keep an exported AWS session
// fresh in bash, zsh and fish, the prompt segment that shows its time left,
// and the marker files fish's hook reads its clock from.
//
// Each shell is one file (shell_bash.go, shell_zsh.go, shell_fish.go) with
// its script embedded beside it (hook.bash, hook.zsh, hook.fish). The scripts
// decide in the shell itself, with no process started, whether the session is
// due; only then do they run `awsmfa env --hook`.
package shellinit

import (
	"fmt"
	"strings"
)

// Shell is one shell's hook.
type Shell interface {
	// Name is the shell's name as users type it: bash, zsh or fish.
	Name() string
	// Quote returns s as one word of this shell's syntax, whatever bytes it
	// holds.
	Quote(s string) string
	// Hook returns the hook script that runs the awsmfa binary at bin.
	Hook(bin string) string
}

// binPlaceholder marks where a script takes the quoted path of awsmfa.
const binPlaceholder = "@AWSMFA_BIN@"

// The AWSMFA_* variables the hooks own, beside the session's (exporter's
// Env* names), which they read.
const (
	// EnvPrompt is the prompt segment the bash and zsh hooks keep current
	// ("dev 1h23m"); fish's hook offers the awsmfa_prompt function instead.
	EnvPrompt = "AWSMFA_PROMPT"
	// EnvHookMFA says whether a hook refresh may ask for a code: prompt
	// (the default), warn or off.
	EnvHookMFA = "AWSMFA_HOOK_MFA"
)

// Names lists the shells that have a hook, in the order help text shows them.
func Names() []string { return []string{"bash", "zsh", "fish"} }

// Lookup returns the hook of the shell called name.
func Lookup(name string) (Shell, error) {
	switch name {
	case "bash":
		return bash{}, nil
	case "zsh":
		return zsh{}, nil
	case "fish":
		return fish{}, nil
	}
	return nil, fmt.Errorf("no hook for shell %q; use one of: %s", name, strings.Join(Names(), ", "))
}

// render fills the binary's quoted path into script.
func render(sh Shell, script, bin string) string {
	return strings.ReplaceAll(script, binPlaceholder, sh.Quote(bin))
}
