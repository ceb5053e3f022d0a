package shellinit

import (
	"regexp"
	"slices"
	"testing"

	"github.com/awsmfa/awsmfa/exporter"
)

// TestHooksUseDefinedNames fails when a hook script uses an AWSMFA_*
// variable that no Go code defines: the session's names come from exporter,
// the hooks' own from this package. A name typed wrong in a script, or one
// renamed in Go but not in the scripts, would otherwise break the prompt
// silently.
func TestHooksUseDefinedNames(t *testing.T) {
	defined := append(exporter.SessionNames(), EnvPrompt, EnvHookMFA)
	name := regexp.MustCompile(`AWSMFA_[A-Z0-9_]+`)
	for shell, script := range map[string]string{"bash": bashHook, "zsh": zshHook, "fish": fishHook} {
		used := map[string]bool{}
		for _, loc := range name.FindAllStringIndex(script, -1) {
			n := script[loc[0]:loc[1]]
			if loc[0] > 0 && script[loc[0]-1] == '@' { // binPlaceholder
				continue
			}
			used[n] = true
			if !slices.Contains(defined, n) {
				t.Errorf("hook.%s uses %s, which neither exporter nor shellinit defines (defined: %v)", shell, n, defined)
			}
		}
		// The hook must read the session contract it depends on.
		for _, n := range []string{exporter.EnvProfile, exporter.EnvRefreshAt} {
			if !used[n] {
				t.Errorf("hook.%s never reads %s", shell, n)
			}
		}
	}
}
