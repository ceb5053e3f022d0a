//go:build linux

package shellinit

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	xunix "golang.org/x/sys/unix"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// BenchmarkPromptHook measures what the hook adds to each prompt while the
// exported session is not due, in bash, zsh and fish, against the same shell
// with no hook, and what starting one process at each prompt costs, all in
// one run. Every prompt is a real one: keys typed on a pty, the prompt
// waited for.
//
//	go test -run '^$' -bench PromptHook -benchtime 500x ./shellinit
//
// b.N is the number of measured prompts per configuration and kind of
// prompt. Each shell is one process that takes four configurations in turn,
// switched by a line typed between rounds (the order rotating from round to
// round):
//
//	none   no prompt hook at all
//	empty  a hook function that does nothing, installed the same way
//	hook   awsmfa's hook, as loading it installs it
//	proc   /bin/true started at each prompt
//
// so that the configurations differ in nothing but the hook, and drift in
// the machine's speed falls on all of them alike. Each round of a
// configuration measures 20 prompts after an empty line (Enter alone) and
// 20 after a command (" :" or, in fish, " true": a builtin that does
// nothing; the leading space keeps it out of the history).
//
// The CPU time of a prompt is read from the shell's process CPU clock
// (clock_gettime on MAKE_PROCESS_CPUCLOCK(pid): nanoseconds, every thread
// counted, ended ones too, which fish's command substitutions use), each
// time once the shell is blocked waiting for input, so that no slice of it
// is left unaccounted. The figures are medians of per-round differences
// against "none" in the same round, with a distribution-free 95% interval.
// For "proc", the child's CPU time (cutime+cstime, in clock ticks, summed
// over all its rounds, where it is exact to a tick overall) is added.
//
// Reported per prompt, after an empty line:
//
//	SHELL-hook-cpu-µs     the shell's extra CPU time with the hook
//	SHELL-hook-cpu-lo-µs, SHELL-hook-cpu-hi-µs  its 95% interval
//	SHELL-empty-cpu-µs    that of the empty hook: the shell's own price
//	                      for calling any hook at all
//	SHELL-hook-over-empty-cpu-µs  the difference: awsmfa's check itself
//	SHELL-hook-wall-µs    the extra wall time of the prompt round trip
//	SHELL-proc-cpu-µs     the extra CPU time, shell and child, of starting
//	                      /bin/true at each prompt instead
//	SHELL-proc-wall-µs    its extra wall time
//	SHELL-hook-starts     prompts with the hook (of either kind) during
//	                      which the shell started any process (a child
//	                      reaped: its page faults or CPU time added to the
//	                      shell's children's; or a new child alive), which
//	                      must be 0
//	SHELL-proc-starts     the same count for "proc", which must be every
//	                      prompt: the proof that the count sees a start
//
// and after a command:
//
//	SHELL-hook-cmd-cpu-µs, SHELL-empty-cmd-cpu-µs  as above
//	SHELL-hook-call-µs    the hook's code for a prompt after a command
//	                      (bash: PROMPT_COMMAND; zsh: the preexec and
//	                      precmd functions; fish: the fish_preexec and
//	                      fish_prompt events) run 20000 times (fish 5000)
//	                      in a loop in the shell, less the same loop with no
//	                      hook: the least noisy figure, with warm caches
func BenchmarkPromptHook(b *testing.B) {
	type series struct {
		cpu, wall []float64 // µs, each measured prompt
		rounds    []float64 // median CPU µs of each round
		rwall     []float64 // median wall µs of each round
	}
	type config struct {
		kind, on  string // kind: none, empty, hook, proc; on: typed to switch to it
		line, cmd series // prompts after an empty line, after a command
		started   int    // measured prompts during which a process started
		ticks     int64  // children's CPU clock ticks over this configuration's spans
		spans     int    // prompts in those spans (switch, warm-up and measured)
		loop      []float64
	}
	type bench struct {
		shell   string
		sh      *ptytest.Shell
		cmd     string    // a command that does nothing
		configs []*config // none, empty, hook, proc
	}
	f := newFake(b)
	var benches []*bench
	for _, shell := range shells {
		hook := hookFile(b, shell, f.bin)
		var rc string
		var on [4]string // none, empty, hook, proc
		cmd := " :"
		switch shell {
		case "bash":
			// Lines typed with a leading space stay out of the history.
			rc = "HISTCONTROL=ignorespace\n_noop() { :; }\n" + load(shell, hook) + "\n_bench_hook=(\"${PROMPT_COMMAND[@]}\")\nunset PROMPT_COMMAND"
			on = [4]string{"unset PROMPT_COMMAND", "PROMPT_COMMAND=_noop", "PROMPT_COMMAND=$_bench_hook", "PROMPT_COMMAND=/bin/true"}
		case "zsh":
			// Switching off also takes away the hook's sched event, which
			// would put it back; switching on enables the hook, as its
			// preexec does before a command.
			rc = "setopt hist_ignore_space\n_noop() { :; }\n_proc() { /bin/true; }\n" + load(shell, hook) +
				"\n_bench_pre=($precmd_functions) _bench_exec=($preexec_functions)\n" +
				"_bench_off() { local i=${zsh_scheduled_events[(I)*:_awsmfa_fire *]}; ((i)) && sched -$i; _awsmfa_sched_at=0; precmd_functions=() preexec_functions=() }\n" +
				"_bench_off"
			on = [4]string{"_bench_off", "_bench_off; precmd_functions=(_noop) preexec_functions=(_noop)",
				"_bench_off; precmd_functions=($_bench_pre) preexec_functions=($_bench_exec); enable -f _awsmfa_hook", "_bench_off; precmd_functions=(_proc)"}
		case "fish":
			// The hook's own event handlers: those its loading added.
			handlers := "functions --handlers-type generic | string replace -rf '^fish_(?:prompt|preexec) ' ''"
			rc = "set -l before (" + handlers + ")\n" + load(shell, hook) + "\nset -g _bench_fns\n" +
				"for fn in (" + handlers + "); contains -- $fn $before $_bench_fns; or set -a _bench_fns $fn; end\n" +
				"functions -e $_bench_fns"
			off := "functions -e $_bench_fns _noop _proc; "
			on = [4]string{off + "true", off + "function _noop --on-event fish_prompt --on-event fish_preexec; end",
				off + load(shell, hook), off + "function _proc --on-event fish_prompt; /bin/true; end"}
			cmd = " true"
		}
		opt := ptytest.Options{RC: rc}
		if shell == "fish" {
			// A first interactive fish starts python in the background to
			// build completions from man pages, unless they are there: that
			// would compete for the CPU all through the run.
			data := b.TempDir()
			if err := os.MkdirAll(filepath.Join(data, "fish", "generated_completions"), 0o700); err != nil {
				b.Fatal(err)
			}
			opt.Env = []string{"XDG_DATA_HOME=" + data}
		}
		sh := ptytest.StartShell(b, shell, opt)
		sess := newSession(b, "ASIABENCH", time.Now(), 12*time.Hour, 12*time.Hour-10*time.Minute)
		sh.Run(evalFile(b, shell, sess.exports(shell)))
		bn := &bench{shell: shell, sh: sh, cmd: cmd}
		for i, kind := range []string{"none", "empty", "hook", "proc"} {
			bn.configs = append(bn.configs, &config{kind: kind, on: " " + on[i]})
		}
		sh.Run(bn.configs[2].on)
		if promptVar(sh) == "" {
			b.Fatalf("%s: the hook is not running", shell)
		}
		for range 20 { // warm up
			sh.Run("")
		}
		benches = append(benches, bn)
	}

	const perRound, warm = 20, 3
	if b.N < perRound {
		// Go's first run, with b.N = 1, before the one asked for: too few
		// prompts to say anything.
		return
	}
	b.ResetTimer()
	for r := 0; r*perRound < b.N; r++ {
		n := min(perRound, b.N-r*perRound)
		for _, bn := range benches {
			pid := bn.sh.Pid()
			for k := range bn.configs {
				c := bn.configs[(k+r)%len(bn.configs)]
				start := readState(b, pid)
				bn.sh.Run(c.on)
				for range warm {
					bn.sh.Run("")
				}
				for _, m := range []struct {
					s    *series
					line string
				}{{&c.line, ""}, {&c.cmd, bn.cmd}} {
					prev := readState(b, pid)
					for range n {
						t0 := time.Now()
						bn.sh.Send(m.line + "\r")
						bn.sh.ExpectString(ptytest.Prompt)
						wall := time.Since(t0)
						cur := readState(b, pid)
						m.s.cpu = append(m.s.cpu, us(cur.cpu-prev.cpu))
						m.s.wall = append(m.s.wall, us(wall))
						if cur.childFaults != prev.childFaults || cur.childTicks != prev.childTicks || cur.children != prev.children {
							c.started++
						}
						prev = cur
					}
					m.s.rounds = append(m.s.rounds, median(m.s.cpu[len(m.s.cpu)-n:]))
					m.s.rwall = append(m.s.rwall, median(m.s.wall[len(m.s.wall)-n:]))
				}
				c.ticks += readState(b, pid).childTicks - start.childTicks
				c.spans += 1 + warm + 2*n
			}
		}
	}
	b.StopTimer()

	// In-shell loops: the configurations' code for a prompt after a
	// command, run over and over in the shell.
	loops := map[string]struct {
		n    int
		body string
	}{
		"bash": {20000, `for ((i=0;i<20000;i++)); do eval "${PROMPT_COMMAND-}"; done`},
		"zsh":  {20000, `for ((i=0;i<20000;i++)); do for f in $preexec_functions; do $f; done; for f in $precmd_functions; do $f; done; done`},
		"fish": {5000, `for i in (seq 5000); emit fish_preexec; emit fish_prompt; end`},
	}
	for range 3 {
		for _, bn := range benches {
			for _, c := range bn.configs[:3] {
				bn.sh.Run(c.on)
				bn.sh.Run("")
				l := loops[bn.shell]
				c0 := readState(b, bn.sh.Pid())
				bn.sh.Run(l.body)
				c.loop = append(c.loop, us(readState(b, bn.sh.Pid()).cpu-c0.cpu)/float64(l.n))
			}
		}
	}

	if starts := f.lines("starts"); len(starts) != 0 {
		b.Fatalf("the hook started awsmfa %d times while not due", len(starts))
	}
	tick := float64(time.Second/time.Microsecond) / float64(clockTicks)
	var summary strings.Builder
	fmt.Fprintf(&summary, "%d prompts per configuration and kind, in rounds of %d interleaved across configurations and shells; shell CPU from its process CPU clock (ns, all threads)\n", b.N, perRound)
	fmt.Fprintf(&summary, "µs per prompt: medians of per-round differences from \"none\" [95%% interval]\n")
	for _, kind := range []string{"line", "cmd"} {
		if kind == "line" {
			fmt.Fprintf(&summary, "after an empty line:\n")
		} else {
			fmt.Fprintf(&summary, "after a command that does nothing:\n")
		}
		fmt.Fprintf(&summary, "%-5s %9s | %-21s | %-21s | %10s | %-28s | %9s %10s %10s\n", "shell", "none cpu", "empty +cpu", "hook +cpu", "hook-empty",
			"proc +cpu (shell + child)", "none wall", "hook +wall", "proc +wall")
		for _, bn := range benches {
			sel := func(c *config) *series {
				if kind == "line" {
					return &c.line
				}
				return &c.cmd
			}
			none, empty, hook, proc := sel(bn.configs[0]), sel(bn.configs[1]), sel(bn.configs[2]), sel(bn.configs[3])
			e, elo, ehi := pairedDiff(empty.rounds, none.rounds)
			h, hlo, hhi := pairedDiff(hook.rounds, none.rounds)
			he, _, _ := pairedDiff(hook.rounds, empty.rounds)
			ps, _, _ := pairedDiff(proc.rounds, none.rounds)
			child := float64(bn.configs[3].ticks) * tick / float64(bn.configs[3].spans)
			hw, _, _ := pairedDiff(hook.rwall, none.rwall)
			pw, _, _ := pairedDiff(proc.rwall, none.rwall)
			if kind == "line" {
				b.ReportMetric(h, bn.shell+"-hook-cpu-µs")
				b.ReportMetric(hlo, bn.shell+"-hook-cpu-lo-µs")
				b.ReportMetric(hhi, bn.shell+"-hook-cpu-hi-µs")
				b.ReportMetric(e, bn.shell+"-empty-cpu-µs")
				b.ReportMetric(he, bn.shell+"-hook-over-empty-cpu-µs")
				b.ReportMetric(hw, bn.shell+"-hook-wall-µs")
				b.ReportMetric(ps+child, bn.shell+"-proc-cpu-µs")
				b.ReportMetric(pw, bn.shell+"-proc-wall-µs")
			} else {
				b.ReportMetric(h, bn.shell+"-hook-cmd-cpu-µs")
				b.ReportMetric(e, bn.shell+"-empty-cmd-cpu-µs")
			}
			fmt.Fprintf(&summary, "%-5s %9.1f | %+7.1f [%+5.1f,%+5.1f] | %+7.1f [%+5.1f,%+5.1f] | %+10.1f | %+8.0f (%+6.1f %+8.1f)   | %9.0f %+10.0f %+10.0f\n",
				bn.shell, median(none.cpu), e, elo, ehi, h, hlo, hhi, he, ps+child, ps, child, median(none.wall), hw, pw)
		}
	}
	fmt.Fprintf(&summary, "prompts that started a process:")
	for _, bn := range benches {
		hook, proc := bn.configs[2], bn.configs[3]
		b.ReportMetric(float64(hook.started), bn.shell+"-hook-starts")
		b.ReportMetric(float64(proc.started), bn.shell+"-proc-starts")
		fmt.Fprintf(&summary, "  %s: hook %d/%d, proc %d/%d;", bn.shell, hook.started, 2*len(hook.line.cpu), proc.started, 2*len(proc.line.cpu))
	}
	fmt.Fprintf(&summary, "\nin-shell loops, µs per prompt after a command (medians of 3; warm caches): the prompt code of each configuration, less none's\n")
	fmt.Fprintf(&summary, "%-5s %10s %10s %10s %10s\n", "shell", "none", "empty", "hook", "hook-empty")
	for _, bn := range benches {
		none, empty, hook := median(bn.configs[0].loop), median(bn.configs[1].loop), median(bn.configs[2].loop)
		b.ReportMetric(hook-none, bn.shell+"-hook-call-µs")
		fmt.Fprintf(&summary, "%-5s %10.2f %+10.2f %+10.2f %+10.2f\n", bn.shell, none, empty-none, hook-none, hook-empty)
	}
	// Printed, not logged: the testing package truncates benchmark logs.
	fmt.Print(summary.String())

	for _, bn := range benches {
		if hook := bn.configs[2]; hook.started != 0 {
			b.Errorf("%s: the hook started a process at %d of %d prompts", bn.shell, hook.started, 2*len(hook.line.cpu))
		}
		if proc := bn.configs[3]; proc.started != 2*len(proc.line.cpu) {
			b.Errorf("%s: the count of starts saw /bin/true at %d of %d prompts: it cannot be trusted", bn.shell, proc.started, 2*len(proc.line.cpu))
		}
	}
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on Linux.
const clockTicks = 100

// procState is what readState reads of a shell while it waits for input.
type procState struct {
	cpu         time.Duration // CPU time of all its threads, live or ended
	childFaults int64         // page faults of its children that have been waited for
	childTicks  int64         // their CPU time, in clock ticks
	children    string        // the PIDs of its children alive
}

// readState waits until no thread of pid is running (then its CPU time is
// wholly accounted), and reads its CPU clock and its children's counts.
func readState(tb testing.TB, pid int) procState {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !idle(pid) {
		if time.Now().After(deadline) {
			tb.Fatalf("pid %d did not go idle", pid)
		}
		time.Sleep(20 * time.Microsecond)
	}
	var ts xunix.Timespec
	// MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED): the whole process.
	if err := xunix.ClockGettime(int32(^pid)<<3|2, &ts); err != nil {
		tb.Fatalf("reading the shell's CPU clock: %v", err)
	}
	var s procState
	s.cpu = time.Duration(ts.Nano())
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The fields after the command name in parentheses, from field 3 on:
	// cminflt is field 11, cmajflt 13, cutime 16, cstime 17.
	rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	field := func(n int) int64 {
		v, err := strconv.ParseInt(rest[n-3], 10, 64)
		if err != nil {
			tb.Fatalf("/proc/%d/stat field %d: %v", pid, n, err)
		}
		return v
	}
	s.childFaults = field(11) + field(13)
	s.childTicks = field(16) + field(17)
	if kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		s.children = strings.TrimSpace(string(kids))
	}
	return s
}

// idle tells whether no thread of pid is running or runnable.
func idle(pid int) bool {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread ended
		}
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'R' {
			return false
		}
	}
	return true
}

// pairedDiff is the median of a[i]-b[i] and a distribution-free 95%
// interval for it (order statistics of the differences; the whole range
// when there are too few to say more).
func pairedDiff(a, b []float64) (med, lo, hi float64) {
	d := make([]float64, min(len(a), len(b)))
	for i := range d {
		d[i] = a[i] - b[i]
	}
	slices.Sort(d)
	if len(d) == 0 {
		return 0, 0, 0
	}
	// The largest k with P(Binomial(n, 1/2) < k) <= 2.5%.
	n, k, cum := len(d), 0, 0.0
	for j := 0; j < n; j++ {
		cum += binom(n, j) / math.Pow(2, float64(n))
		if cum > 0.025 {
			break
		}
		k = j + 1
	}
	k = max(k, 1)
	return median(d), d[k-1], d[n-k]
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
