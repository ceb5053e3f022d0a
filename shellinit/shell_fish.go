package shellinit

import (
	_ "embed"
	"strings"
)

//go:embed hook.fish
var fishHook string

// fish is the hook for fish, on the fish_prompt and fish_preexec events.
type fish struct{}

func (fish) Name() string { return "fish" }

// Quote quotes s in single quotes for fish: \ becomes \\ and ' becomes \'.
func (fish) Quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (f fish) Hook(bin string) string { return render(f, fishHook, bin) }
