package shellinit

import (
	_ "embed"

	"github.com/awsmfa/awsmfa/exporter"
)

//go:embed hook.zsh
var zshHook string

// zsh is the hook for zsh, in precmd_functions and preexec_functions.
type zsh struct{}

func (zsh) Name() string             { return "zsh" }
func (zsh) Quote(s string) string    { return exporter.Quote(exporter.Zsh{}, s) }
func (z zsh) Hook(bin string) string { return render(z, zshHook, bin) }
