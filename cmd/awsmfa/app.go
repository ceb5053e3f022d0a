package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

// app is everything a command may touch outside its own arguments, injected
// so tests can drive it: the standard streams, the environment and the clock.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// environ is the environment handed to child processes.
	environ func() []string
	now     func() time.Time
	// executable is the path of this binary, which the hook runs.
	executable func() (string, error)
	// compat is set by run when the command line is aws-mfa's (see
	// compat.go): a code is then read from stdin when it is not a terminal.
	compat bool
}

func newApp() *app {
	return &app{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		environ: os.Environ,
		now:     time.Now,

		executable: os.Executable,
	}
}

// exitError carries a specific exit status up to run.
type exitError struct {
	code int
	err  error // nil when the message was already printed
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// run runs the command line args and returns the process exit status.
func (a *app) run(args []string) int {
	c := &cli.App{
		Name:    "awsmfa",
		Usage:   "temporary AWS credentials with MFA, for shells, commands and SDKs",
		Version: buildVersion(),
		Description: `One 6-digit code serves every shell and every role for hours:
   eval "$(awsmfa env dev)"          export a session into this shell
   awsmfa exec dev -- terraform plan  run one command with a session
   eval "$(awsmfa hook zsh)"         refresh before expiry, at the prompt`,
		Reader:                 a.stdin,
		Writer:                 a.stdout,
		ErrWriter:              a.stderr,
		HideHelpCommand:        true,
		UseShortOptionHandling: false,
		EnableBashCompletion:   false,
		Commands:               a.commands(),
		ExitErrHandler:         func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return &exitError{code: 2, err: fmt.Errorf("unknown command %q; see 'awsmfa --help'", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &exitError{code: 2, err: fmt.Errorf("%v (see 'awsmfa --help')", err)}
		},
	}
	for _, cmd := range c.Commands {
		cmd.Flags = fastNames(cmd.Flags)
		// A profile may be called h or help: urfave/cli's help command would
		// take that word for itself (`awsmfa env h` showing help). --help
		// stays.
		cmd.HideHelpCommand = true
		// A mistyped flag is one line on stderr, never a help page on
		// stdout, where eval would run it.
		cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return &exitError{code: 2, err: fmt.Errorf("%v (see 'awsmfa %s --help')", err, cmd.Name)}
		}
	}
	args, a.compat = awsMFACommandLine(args)
	err := c.Run(interspersed(c.Commands, args))
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(a.stderr, "awsmfa: %s\n", twoLines(ee.err))
		}
		return ee.code
	}
	var ce cli.ExitCoder
	if errors.As(err, &ce) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(a.stderr, "awsmfa: %s\n", twoLines(err))
		}
		return ce.ExitCode()
	}
	fmt.Fprintf(a.stderr, "awsmfa: %s\n", twoLines(err))
	return 1
}

// twoLines keeps an error to the two lines our contract allows, indenting the
// second so it reads as a hint.
func twoLines(err error) string {
	msg := strings.TrimSpace(err.Error())
	lines := strings.Split(msg, "\n")
	if len(lines) > 2 {
		lines = lines[:2]
	}
	return strings.Join(lines, "\n  ")
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
