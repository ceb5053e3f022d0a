package mfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// EnvDialog chooses the desktop dialog that asks for a code when there is
// no terminal: auto (the default), zenity, kdialog, osascript or off.
const EnvDialog = "AWSMFA_DIALOG"

// DialogTimeout is how long a dialog waits for its answer before it is
// closed: a person is answering, so it is generous, and it is off the
// command's own deadline as the terminal's question is.
const DialogTimeout = 5 * time.Minute

// dialogTitle is the window title of every dialog. It is fixed, so that
// nothing from a file reaches the title bar, and so that tests and window
// rules can find the window.
const dialogTitle = "awsmfa: MFA code"

// Dialog asks for the code in a desktop window, for when there is no
// terminal to ask on: an IDE that runs credential_process, for example.
// The window names the profile and the MFA device and shows the answer as
// it is typed (a code is spent once and is stale within a minute, and
// seeing it catches a typo); nothing else. The profile name and device come
// from files that others may write, so they reach the program as arguments,
// never through a shell, escaped for what the program interprets. A
// malformed answer is asked again, up to Tries times; Cancel, Escape or
// closing the window returns ErrCancelled.
type Dialog struct {
	// Program is zenity, kdialog or osascript.
	Program string
	// Path is the program to run; empty means Program is not found, and
	// Code says why (see Unusable).
	Path string
	// Unusable, when set, says why the dialog cannot be shown here; Code
	// returns it as the error.
	Unusable error
	// Label names what the code is for: the profile.
	Label string
	// Timeout bounds each window; 0 means DialogTimeout.
	Timeout time.Duration
	// Tries is how many answers are read before giving up; 0 means 3.
	Tries int
	// Notify receives one line saying what is being waited for; nil
	// discards it.
	Notify io.Writer
	// Env is the program's environment; nil means the current one.
	Env []string
}

// dialogProgram is what awsmfa knows of one dialog program.
type dialogProgram struct {
	// args returns the arguments, after the program's name, of a window
	// titled title that shows lines and reads one line of text.
	args func(title string, lines []string) []string
	// cancelled reports whether a run that exited with status code and
	// wrote stderr was the person's cancel, not a failure to start.
	cancelled func(code int, stderr string) bool
	// desktop is true for programs that need DISPLAY or WAYLAND_DISPLAY.
	desktop bool
}

// programFor returns what awsmfa knows of the dialog program name.
func programFor(name string) (dialogProgram, bool) {
	switch name {
	case "zenity":
		return dialogProgram{
			// zenity's entry text is not Pango markup: it is a label with
			// a mnemonic (_) whose backslash escapes are expanded.
			args: func(title string, lines []string) []string {
				for i, l := range lines {
					lines[i] = zenityEscape(l)
				}
				return []string{"--entry", "--title", title, "--text", strings.Join(lines, "\n")}
			},
			cancelled: func(code int, stderr string) bool { return code == 1 && !cannotOpen(stderr) },
			desktop:   true,
		}, true
	case "kdialog":
		return dialogProgram{
			// Qt guesses whether a label is rich text; <qt> settles it,
			// and the text inside is escaped (kdialogEscape).
			args: func(title string, lines []string) []string {
				for i, l := range lines {
					lines[i] = kdialogEscape(l)
				}
				return []string{"--title", title, "--inputbox", "<qt>" + strings.Join(lines, "<br>") + "</qt>", ""}
			},
			cancelled: func(code int, stderr string) bool { return code == 1 && !cannotOpen(stderr) },
			desktop:   true,
		}, true
	case "osascript":
		return dialogProgram{
			// The text and title are the script's arguments, never part
			// of the script: AppleScript shows them as they are.
			args: func(title string, lines []string) []string {
				return []string{
					"-e", "on run argv",
					"-e", `set r to display dialog (item 1 of argv) with title (item 2 of argv) default answer "" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel"`,
					"-e", "return text returned of r",
					"-e", "end run",
					strings.Join(lines, "\n"), title,
				}
			},
			// "User canceled. (-128)"
			cancelled: func(code int, stderr string) bool { return strings.Contains(stderr, "(-128)") },
		}, true
	}
	return dialogProgram{}, false
}

// zenityEscape makes s show literally in zenity's entry text: a backslash
// would start an escape sequence and an underscore would mark a mnemonic.
func zenityEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "_", "__").Replace(s)
}

// kdialogEscape makes s show literally in kdialog's rich text: markup is
// escaped as HTML, an ampersand is doubled before that (the label takes
// & as a mnemonic once the HTML is read), and a backslash is written as
// an entity (kdialog turns \n into a line break before Qt reads it).
func kdialogEscape(s string) string {
	return strings.NewReplacer("&", "&amp;&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;", `\`, "&#92;").Replace(s)
}

// cannotOpen reports whether a Linux dialog's stderr says it found no
// display to open its window on.
func cannotOpen(stderr string) bool {
	s := strings.ToLower(stderr)
	return strings.Contains(s, "cannot open display") || strings.Contains(s, "could not connect to display") ||
		strings.Contains(s, "could not load the qt platform plugin")
}

// DialogFor returns the dialog that asks for a code when there is no
// terminal, as AWSMFA_DIALOG (read with getenv) chooses, or nil when none
// is to be used. auto, the default, picks osascript on macOS, and zenity or
// kdialog (kdialog first on KDE) elsewhere when DISPLAY or WAYLAND_DISPLAY
// is set; it returns nil when there is no desktop or no such program. A
// program named outright is returned even when it cannot be shown here,
// with Unusable saying why, so that the person who chose it is told. goos
// is runtime.GOOS; programs are looked up in getenv("PATH").
func DialogFor(getenv func(string) string, goos string) (*Dialog, error) {
	mode := strings.ToLower(strings.TrimSpace(getenv(EnvDialog)))
	desktop := getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
	switch mode {
	case "off", "none", "no", "false", "0":
		return nil, nil
	case "", "auto":
		var order []string
		switch {
		case goos == "darwin":
			order = []string{"osascript"}
		case !desktop || goos == "windows":
		case strings.Contains(strings.ToUpper(getenv("XDG_CURRENT_DESKTOP")), "KDE"):
			order = []string{"kdialog", "zenity"}
		default:
			order = []string{"zenity", "kdialog"}
		}
		for _, name := range order {
			if path := lookIn(getenv("PATH"), name); path != "" {
				return &Dialog{Program: name, Path: path}, nil
			}
		}
		return nil, nil
	}
	prog, ok := programFor(mode)
	if !ok {
		return nil, fmt.Errorf("%s=%q: use auto, zenity, kdialog, osascript or off", EnvDialog, getenv(EnvDialog))
	}
	d := &Dialog{Program: mode, Path: lookIn(getenv("PATH"), mode)}
	switch {
	case d.Path == "":
		d.Unusable = fmt.Errorf("%s=%s, but %s is not in PATH; install it, or set %s=auto or off", EnvDialog, mode, mode, EnvDialog)
	case prog.desktop && !desktop:
		d.Unusable = fmt.Errorf("%s=%s, but neither DISPLAY nor WAYLAND_DISPLAY is set: there is no desktop to show it on", EnvDialog, mode)
	}
	return d, nil
}

// lookIn returns the path of the executable name in the directories of
// pathList, or "".
func lookIn(pathList, name string) string {
	for _, dir := range filepath.SplitList(pathList) {
		if !filepath.IsAbs(dir) {
			continue // a relative PATH entry would run what the current directory holds
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Describe implements Source.
func (d *Dialog) Describe() string {
	if d.Unusable != nil {
		return "a " + d.Program + " window, which cannot be shown here: " + d.Unusable.Error()
	}
	return "a " + d.Program + " window on the desktop (" + EnvDialog + ")"
}

// Renewal implements Source: the person is asked again.
func (*Dialog) Renewal() Renewal { return AskAgain }

// Code implements Source.
func (d *Dialog) Code(ctx context.Context, serial string) (string, error) {
	if d.Unusable != nil {
		return "", fmt.Errorf("an MFA code is needed for %s and there is no terminal to ask on; the desktop dialog cannot be shown: %w", serial, d.Unusable)
	}
	prog, ok := programFor(d.Program)
	if !ok || d.Path == "" {
		return "", fmt.Errorf("an MFA code is needed for %s and there is no terminal to ask on; %q is not a dialog awsmfa knows", serial, d.Program)
	}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DialogTimeout
	}
	tries := d.Tries
	if tries <= 0 {
		tries = 3
	}
	// A signal while the window is up closes it and cancels the question,
	// as Ctrl-C does at the terminal's.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	what := serial
	if d.Label != "" {
		what = d.Label + " (" + serial + ")"
	}
	if d.Notify != nil {
		fmt.Fprintf(d.Notify, "awsmfa: no terminal; asking for the MFA code for %s in a %s window (closed after %s)\n", what, d.Program, timeout)
	}
	var problem string
	for try := 1; ; try++ {
		lines := []string{}
		if problem != "" {
			lines = append(lines, "That was not a code: "+problem+".", "")
		}
		if d.Label != "" {
			lines = append(lines, "MFA code for profile "+d.Label)
		} else {
			lines = append(lines, "MFA code")
		}
		lines = append(lines, "MFA device "+serial)
		answer, err := d.ask(ctx, prog, lines, timeout)
		if err != nil {
			return "", err
		}
		code := strings.TrimSpace(answer)
		verr := ValidCode(code)
		if verr == nil {
			return code, nil
		}
		if try >= tries {
			return "", fmt.Errorf("%w (asked %d times in the %s window)", verr, tries, d.Program)
		}
		problem = verr.Error()
	}
}

// ask shows one window and returns the first line it printed.
func (d *Dialog) ask(ctx context.Context, prog dialogProgram, lines []string, timeout time.Duration) (string, error) {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(wctx, d.Path, prog.args(dialogTitle, lines)...)
	cmd.Env = d.Env
	cmd.SysProcAttr = dialogProcAttr()
	var out, errb bytes.Buffer
	cmd.Stdout = &limited{w: &out, n: 4096}
	cmd.Stderr = &limited{w: &errb, n: 4096}
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("%w (the %s window was closed)", ErrCancelled, d.Program)
	case wctx.Err() != nil:
		return "", fmt.Errorf("%w: the %s window had no answer within %s and was closed", ErrCancelled, d.Program, timeout)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && prog.cancelled(ee.ExitCode(), errb.String()):
		return "", fmt.Errorf("%w: the %s window was cancelled", ErrCancelled, d.Program)
	case errors.As(err, &ee):
		return "", fmt.Errorf("there is no terminal to ask for the MFA code on, and the %s window could not be shown (%s%s)\ncheck DISPLAY or WAYLAND_DISPLAY, or pass --code, set mfa_process, or set %s=off", d.Program, ee.ProcessState, why(errb.String()), EnvDialog)
	case err != nil:
		return "", fmt.Errorf("there is no terminal to ask for the MFA code on, and %s could not run: %v", d.Path, err)
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	return line, nil
}

// why returns ": " and the gist of a dialog program's stderr, or "": the
// line about the display when there is one (other lines are often
// warnings), else the first.
func why(stderr string) string {
	gist := ""
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if i := strings.Index(strings.ToLower(l), "cannot open display"); i >= 0 {
			gist = l[i:]
			break
		}
		if strings.Contains(strings.ToLower(l), "display") {
			gist = l
			break
		}
		if gist == "" {
			gist = l
		}
	}
	if gist == "" {
		return ""
	}
	if len(gist) > 200 {
		gist = gist[:200]
	}
	return ": " + gist
}

// limited writes at most n bytes to w and drops the rest: a dialog's
// output is a line, and a program gone wrong must not fill memory.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
