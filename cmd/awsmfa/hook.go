package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/shellinit"
)

func (a *app) hookCommand() *cli.Command {
	return &cli.Command{
		Name:      "hook",
		Usage:     `print the prompt hook that refreshes the session before it expires: eval "$(awsmfa hook bash)"`,
		ArgsUsage: strings.Join(shellinit.Names(), "|"),
		Description: `Load it once from your shell's rc file:
   bash  ~/.bashrc                    eval "$(awsmfa hook bash)"
   zsh   ~/.zshrc                     eval "$(awsmfa hook zsh)"
   fish  ~/.config/fish/config.fish   awsmfa hook fish | source
It acts only in shells where 'awsmfa env' was evaluated, checks the expiry
without starting a process, and runs awsmfa only when the session is due.
AWSMFA_HOOK_MFA=prompt (default) lets it ask for a code on the terminal;
warn only prints a line; off stays quiet. A refresh waits at most 5s for
STS or another awsmfa (typing a code does not count), then backs off. The prompt segment is in
$AWSMFA_PROMPT (bash, zsh) or awsmfa_prompt (fish).`,
		Action: a.hook,
	}
}

func (a *app) hook(c *cli.Context) error {
	if c.NArg() != 1 {
		return fmt.Errorf("hook needs one shell: awsmfa hook %s", strings.Join(shellinit.Names(), "|"))
	}
	sh, err := shellinit.Lookup(c.Args().First())
	if err != nil {
		return err
	}
	bin, err := a.selfPath()
	if err != nil {
		return err
	}
	_, err = io.WriteString(a.stdout, sh.Hook(bin))
	return err
}

// selfPath is the absolute path the hook runs awsmfa by: the awsmfa found in
// $PATH when that is this very binary (a package manager's stable symlink
// survives upgrades, where the resolved path would not), else this binary.
func (a *app) selfPath() (string, error) {
	exe, err := a.executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the awsmfa binary for the hook to run: %v", err)
	}
	for _, dir := range filepath.SplitList(a.getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			continue // a relative PATH entry would break once the shell cd's
		}
		p := filepath.Join(dir, "awsmfa")
		if sameFile(p, exe) {
			return p, nil
		}
	}
	return exe, nil
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
