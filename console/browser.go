package console

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// EnvBrowser is the variable naming the browser command, as many command
// line tools honour it: a list of commands separated by ':' (';' on
// Windows), each tried in turn; a command is words separated by spaces
// (no quoting), and "%s" in a word is replaced by the URL, else the URL is
// its last argument.
const EnvBrowser = "BROWSER"

// Opener opens a URL in a web browser.
type Opener struct {
	// Getenv reads EnvBrowser.
	Getenv func(string) string
	// GOOS picks the platform's opener when EnvBrowser is unset; "" is
	// runtime.GOOS.
	GOOS string
	// Env is the browser command's environment, whose PATH finds it; nil
	// is awsmfa's own.
	Env []string
	// Wait is how long Open waits for the command to exit before leaving
	// it running (it may be the browser itself); zero is 10 s.
	Wait time.Duration
}

// commands returns the commands to try, each an argv with the URL in it.
// Errors never contain the URL.
func (o Opener) commands(u string) [][]string {
	if v := strings.TrimSpace(o.Getenv(EnvBrowser)); v != "" {
		sep := ":"
		if o.goos() == "windows" {
			sep = ";"
		}
		var out [][]string
		for _, c := range strings.Split(v, sep) {
			f := strings.Fields(c)
			if len(f) == 0 {
				continue
			}
			replaced := false
			for i, a := range f {
				if strings.Contains(a, "%s") {
					f[i] = strings.ReplaceAll(a, "%s", u)
					replaced = true
				}
			}
			if !replaced {
				f = append(f, u)
			}
			out = append(out, f)
		}
		return out
	}
	switch o.goos() {
	case "darwin":
		return [][]string{{"open", u}}
	case "windows":
		// rundll32 takes the URL as one argument, where cmd's start would
		// split it at every &.
		return [][]string{{"rundll32", "url.dll,FileProtocolHandler", u}}
	default:
		return [][]string{{"xdg-open", u}}
	}
}

// lookPath finds name in the PATH of o.Env (of awsmfa when o.Env is nil).
func (o Opener) lookPath(name string) (string, error) {
	if o.Env == nil || strings.ContainsRune(name, '/') || strings.ContainsRune(name, filepath.Separator) || runtime.GOOS == "windows" {
		return exec.LookPath(name)
	}
	path := ""
	for _, kv := range o.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // a relative PATH entry is not searched for a browser
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

func (o Opener) goos() string {
	if o.GOOS != "" {
		return o.GOOS
	}
	return runtime.GOOS
}

// Open opens u with the first command that can be started: BROWSER's, else
// the platform's (xdg-open, open, rundll32). It waits for the command up
// to o.Wait and reports a failure exit; a command still running then is
// left to run. Errors name the command, never its URL argument.
func (o Opener) Open(u string) error {
	cmds := o.commands(u)
	if len(cmds) == 0 {
		return fmt.Errorf("%s is set but names no command; set it to a browser such as firefox, or use --stdout", EnvBrowser)
	}
	wait := o.Wait
	if wait == 0 {
		wait = 10 * time.Second
	}
	var tried []string
	for _, argv := range cmds {
		name := argv[0]
		if name == u || strings.Contains(name, u) {
			name = "the browser command"
		}
		path, err := o.lookPath(argv[0])
		if err != nil {
			tried = append(tried, name)
			continue
		}
		cmd := exec.Command(path, argv[1:]...)
		cmd.Env = o.Env
		// The command's output goes nowhere: launchers such as xdg-open
		// repeat the URL they were given in their messages.
		cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
		if err := cmd.Start(); err != nil {
			tried = append(tried, name)
			continue
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return fmt.Errorf("the browser command %s failed (%s); use --stdout to print the URL and open it yourself", name, ee.ProcessState)
			}
			if err != nil {
				return fmt.Errorf("the browser command %s failed; use --stdout to print the URL and open it yourself", name)
			}
			return nil
		case <-timer.C:
			// Still running after the wait: it is the browser, not a
			// launcher. It goes on without us.
			return nil
		}
	}
	return fmt.Errorf("cannot start a browser (tried %s); set %s to one, or use --stdout to print the URL", strings.Join(tried, ", "), EnvBrowser)
}
