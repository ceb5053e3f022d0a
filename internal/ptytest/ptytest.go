//go:build unix

// Package ptytest drives interactive programs, real bash, zsh and fish
// above all, on a pseudo-terminal, so tests see what a user at a terminal
// would: line editing, job control, /dev/tty, Ctrl-C.
//
// A Term is any command on a pty; Expect waits for output matching a regular
// expression. A Shell is an interactive shell started with its startup files
// isolated under a temporary HOME, and a prompt that carries a marker, so
// that Run can type a line and wait for the next prompt.
package ptytest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// DefaultTimeout is how long Expect waits when Term.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// Term is a command running on a pty.
type Term struct {
	// Timeout bounds each Expect; zero means DefaultTimeout.
	Timeout time.Duration

	t    testing.TB
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	buf  []byte // everything read so far
	pos  int    // how far Expect has consumed buf
	eof  bool
	more chan struct{} // signalled (non-blocking) whenever buf grows or ends
	done chan struct{} // closed when the reader stops
}

// Start runs cmd on a new 200x50 pty, with the pty as its controlling
// terminal and stdin, stdout and stderr. The process is killed and reaped
// when the test ends.
func Start(t testing.TB, cmd *exec.Cmd) *Term {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatalf("ptytest: cannot start %s on a pty: %v", cmd.Path, err)
	}
	p := &Term{t: t, cmd: cmd, pty: f, more: make(chan struct{}, 1), done: make(chan struct{})}
	go p.read()
	t.Cleanup(p.close)
	return p
}

func (p *Term) read() {
	defer close(p.done)
	b := make([]byte, 32<<10)
	for {
		n, err := p.pty.Read(b)
		p.mu.Lock()
		p.buf = append(p.buf, b[:n]...)
		if err != nil {
			p.eof = true
		}
		p.mu.Unlock()
		select {
		case p.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// close ends the command and everything it started on the terminal. A
// read of the pty returns only once no process holds the terminal open, so
// the programs the command left behind (a background job, a hook's awsmfa
// that is still waiting) are killed too: the command leads a session of
// its own (pty.Start), and every process in it is the test's. If one still
// holds the terminal after that, the test says so and goes on.
func (p *Term) close() {
	if p.cmd.Process != nil {
		killSession(p.cmd.Process.Pid)
		p.cmd.Process.Kill()
	}
	p.pty.Close()
	p.cmd.Wait()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.t.Logf("ptytest: a process %s started still holds its terminal after 10s; not waiting for it", p.cmd.Path)
	}
}

// killSession kills every process in session sid and in process group sid:
// on Linux it finds the session's members in /proc (field 6 of
// /proc/PID/stat); elsewhere it reaches the process group only.
func killSession(sid int) {
	_ = unix.Kill(-sid, unix.SIGKILL)
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == sid {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) state ppid pgrp session ...": comm may hold spaces
		// and parentheses, so count fields after its last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 3 && f[3] == strconv.Itoa(sid) {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	}
}

// Pid is the process ID of the command.
func (p *Term) Pid() int { return p.cmd.Process.Pid }

// Send types s into the terminal as is ("\r" is Enter, "\x03" Ctrl-C,
// "\t" TAB).
func (p *Term) Send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.pty, s); err != nil {
		p.t.Fatalf("ptytest: cannot type %q: %v", s, err)
	}
}

// Expect waits until the output not yet consumed matches pattern, consumes
// it through the end of the match, and returns the match and its groups. On
// timeout or end of output it fails the test, showing the tail of what came.
func (p *Term) Expect(pattern string) []string {
	p.t.Helper()
	m, err := p.expect(regexp.MustCompile(pattern))
	if err != nil {
		p.t.Fatal(err)
	}
	return m
}

// ExpectString is Expect for a literal string.
func (p *Term) ExpectString(s string) {
	p.t.Helper()
	if _, err := p.expect(regexp.MustCompile(regexp.QuoteMeta(s))); err != nil {
		p.t.Fatal(err)
	}
}

func (p *Term) expect(re *regexp.Regexp) ([]string, error) {
	timeout := p.timeout()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		rest := p.buf[p.pos:]
		if loc := re.FindSubmatchIndex(rest); loc != nil {
			var m []string
			for i := 0; i < len(loc); i += 2 {
				if loc[i] < 0 {
					m = append(m, "")
					continue
				}
				m = append(m, string(rest[loc[i]:loc[i+1]]))
			}
			p.pos += loc[1]
			p.mu.Unlock()
			return m, nil
		}
		eof := p.eof
		tail := tailOf(rest)
		p.mu.Unlock()
		if eof {
			return nil, fmt.Errorf("ptytest: output ended before %q appeared; the rest was:\n%s", re, tail)
		}
		select {
		case <-p.more:
		case <-deadline.C:
			return nil, fmt.Errorf("ptytest: %q did not appear within %v; the rest was:\n%s", re, timeout, tail)
		}
	}
}

// Output is everything the terminal has shown so far, unconsumed or not.
func (p *Term) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.buf)
}

// Pending is the output Expect has not consumed yet.
func (p *Term) Pending() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.buf[p.pos:])
}

func tailOf(b []byte) string {
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return fmt.Sprintf("%q", bytes.ToValidUTF8(b, []byte("?")))
}

// Foreground returns the process group that holds the terminal's
// foreground: the shell's own while it reads a line, a job's while one runs.
func (p *Term) Foreground() (int, error) {
	return unix.IoctlGetInt(int(p.pty.Fd()), unix.TIOCGPGRP)
}

// WaitJob waits until a job other than the command itself holds the
// terminal's foreground and has started its program (a shell has run the
// command typed), so that Ctrl-C reaches that program and not the shell or
// a child that has not yet exec'd.
func (p *Term) WaitJob() {
	p.t.Helper()
	deadline := time.Now().Add(p.timeout())
	self, selfErr := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.Pid()))
	for time.Now().Before(deadline) {
		if pg, err := p.Foreground(); err == nil && pg != p.Pid() {
			if selfErr != nil {
				// No /proc: give the child a moment to exec.
				time.Sleep(100 * time.Millisecond)
				return
			}
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pg)); err == nil && exe != self {
				return
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.t.Fatalf("ptytest: no job took the terminal's foreground within %v", p.timeout())
}

func (p *Term) timeout() time.Duration {
	if p.Timeout == 0 {
		return DefaultTimeout
	}
	return p.Timeout
}

// ExpectAll waits until every one of strs has appeared in the output not yet
// consumed, in any order (shells sort completion listings their own way),
// and consumes it through the last of them.
func (p *Term) ExpectAll(strs ...string) {
	p.t.Helper()
	deadline := time.NewTimer(p.timeout())
	defer deadline.Stop()
	for {
		p.mu.Lock()
		rest := p.buf[p.pos:]
		end, missing := 0, ""
		for _, s := range strs {
			i := bytes.Index(rest, []byte(s))
			if i < 0 {
				missing = s
				break
			}
			end = max(end, i+len(s))
		}
		if missing == "" {
			p.pos += end
			p.mu.Unlock()
			return
		}
		eof, tail := p.eof, tailOf(rest)
		p.mu.Unlock()
		if eof {
			p.t.Fatalf("ptytest: output ended before %q appeared; the rest was:\n%s", missing, tail)
		}
		select {
		case <-p.more:
		case <-deadline.C:
			p.t.Fatalf("ptytest: %q did not appear within %v; the rest was:\n%s", missing, p.timeout(), tail)
		}
	}
}
