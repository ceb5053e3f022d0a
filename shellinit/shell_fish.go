package shellinit

import (
	_ "embed"

	"github.com/awsmfa/awsmfa/exporter"
)

//go:embed hook.fish
var fishHook string

// fish is the hook for fish, on the fish_prompt and fish_preexec events.
type fish struct{}

func (fish) Name() string { return "fish" }

// Quote quotes s as one fish word (exporter.Quote).
func (fish) Quote(s string) string { return exporter.Quote(exporter.Fish{}, s) }

func (f fish) Hook(bin string) string { return render(f, fishHook, bin) }
