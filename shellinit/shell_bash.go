package shellinit

import (
	_ "embed"

	"github.com/awsmfa/awsmfa/exporter"
)

//go:embed hook.bash
var bashHook string

// bash is the hook for bash 3.2 and later, prepended to PROMPT_COMMAND.
type bash struct{}

func (bash) Name() string             { return "bash" }
func (bash) Quote(s string) string    { return exporter.Quote(exporter.Bash{}, s) }
func (b bash) Hook(bin string) string { return render(b, bashHook, bin) }
