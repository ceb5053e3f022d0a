package shellinit

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/ptytest"
)

// BenchmarkPromptHook measures what the hook adds to each prompt while the
// exported session is not due, in bash, zsh and fish, against the same shell
// with no hook, and what starting one process at each prompt costs, all in
// one run. Every prompt is a real one: Enter typed on a pty, the prompt
// waited for. The configurations take turns in rounds of 50 prompts so that
// drift in the machine's speed falls on all of them alike.
//
//	go test -run '^$' -bench PromptHook -benchtime 1000x ./shellinit
//
// b.N is the number of prompts per configuration. Reported per prompt:
//
//	SHELL-hook-cpu-µs   the shell's extra CPU time with the hook (Linux
//	                    /proc/PID/schedstat, nanosecond resolution)
//	SHELL-hook-over-empty-cpu-µs
//	                    the same, less that of an empty hook function
//	                    installed the same way: the cost of awsmfa's check
//	                    beyond the shell's own price for calling any hook
//	SHELL-hook-wall-µs  the extra wall time of the prompt round trip
//	SHELL-proc-cpu-µs   the extra CPU time, shell and child, of starting
//	                    /bin/true at each prompt instead
//	SHELL-proc-wall-µs  its extra wall time
//
// The hook must start no process: the fake awsmfa it points at records any
// start, and the benchmark fails if there is one.
func BenchmarkPromptHook(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("the per-prompt CPU time is read from /proc/PID/schedstat, which only Linux has")
	}
	type config struct {
		shell, kind string // kind: none, empty, hook, proc
		sh          *ptytest.Shell
		cpu, wall   []float64 // µs per prompt, one sample per round
	}
	var configs []*config
	f := newFake(b)
	for _, shell := range shells {
		for _, kind := range []string{"none", "empty", "hook", "proc"} {
			rc := ""
			switch kind {
			case "empty":
				// A hook that does nothing, installed the same way: what
				// the shell charges for calling any hook at all.
				switch shell {
				case "bash":
					rc = "_noop() { :; }; PROMPT_COMMAND=_noop"
				case "zsh":
					rc = "_noop() { :; }; precmd_functions=(_noop)"
				case "fish":
					rc = "function _noop --on-event fish_prompt --on-event fish_preexec; end"
				}
			case "hook":
				rc = load(shell, hookFile(b, shell, f.bin))
			case "proc":
				// The cheapest process a prompt hook could start.
				switch shell {
				case "bash":
					rc = "PROMPT_COMMAND=/bin/true"
				case "zsh":
					rc = "precmd_functions=(_proc); _proc() { /bin/true; }"
				case "fish":
					rc = "function _proc --on-event fish_prompt; /bin/true; end"
				}
			}
			sh := ptytest.StartShell(b, shell, ptytest.Options{RC: rc})
			sess := newSession(b, "ASIABENCH", time.Now(), 12*time.Hour, 12*time.Hour-10*time.Minute)
			sh.Run(evalFile(b, shell, sess.exports(shell)))
			if kind == "hook" && promptSegment(sh) == "" {
				b.Fatalf("%s: the hook is not running", shell)
			}
			for range 20 { // warm up
				sh.Run("")
			}
			configs = append(configs, &config{shell: shell, kind: kind, sh: sh})
		}
	}

	b.ResetTimer()
	const round = 50
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		for _, c := range configs {
			cpu0 := cpuTime(b, c.sh.Pid(), c.kind == "proc")
			t0 := time.Now()
			for range n {
				c.sh.Send("\r")
				c.sh.ExpectString(ptytest.Prompt)
			}
			wall := time.Since(t0)
			cpu := cpuTime(b, c.sh.Pid(), c.kind == "proc") - cpu0
			c.wall = append(c.wall, us(wall)/float64(n))
			c.cpu = append(c.cpu, us(cpu)/float64(n))
		}
	}
	b.StopTimer()

	if starts := f.lines("starts"); len(starts) != 0 {
		b.Fatalf("the hook started awsmfa %d times while not due", len(starts))
	}
	// Medians over the rounds: other work on the machine lands in a few
	// rounds of one configuration, not in all of them.
	var summary strings.Builder
	fmt.Fprintf(&summary, "%d prompts per configuration; medians of rounds of %d; µs per prompt\n", b.N, round)
	fmt.Fprintf(&summary, "%-5s %10s %10s | %10s %10s | %10s %10s | %10s %10s | %10s %10s\n", "shell",
		"none cpu", "none wall", "empty +cpu", "+wall", "hook +cpu", "+wall", "hook-empty", "cpu", "proc +cpu", "+wall")
	for i := 0; i < len(configs); i += 4 {
		none, empty, hook, proc := configs[i], configs[i+1], configs[i+2], configs[i+3]
		ec, ew := median(empty.cpu)-median(none.cpu), median(empty.wall)-median(none.wall)
		hc, hw := median(hook.cpu)-median(none.cpu), median(hook.wall)-median(none.wall)
		pc, pw := median(proc.cpu)-median(none.cpu), median(proc.wall)-median(none.wall)
		b.ReportMetric(hc, none.shell+"-hook-cpu-µs")
		b.ReportMetric(hc-ec, none.shell+"-hook-over-empty-cpu-µs")
		b.ReportMetric(hw, none.shell+"-hook-wall-µs")
		b.ReportMetric(pc, none.shell+"-proc-cpu-µs")
		b.ReportMetric(pw, none.shell+"-proc-wall-µs")
		fmt.Fprintf(&summary, "%-5s %10.1f %10.1f | %10.1f %10.1f | %10.1f %10.1f | %10s %10.1f | %10.1f %10.1f\n", none.shell,
			median(none.cpu), median(none.wall), ec, ew, hc, hw, "", hc-ec, pc, pw)
	}
	fmt.Fprintf(&summary, "proc/hook (cpu): ")
	for i := 0; i < len(configs); i += 4 {
		none, hook, proc := configs[i], configs[i+2], configs[i+3]
		hc, pc := median(hook.cpu)-median(none.cpu), median(proc.cpu)-median(none.cpu)
		if hc > 0 {
			fmt.Fprintf(&summary, "%s %.0fx  ", none.shell, pc/hc)
		}
	}
	summary.WriteString("\n")
	// In-shell loops on the same shells (kind "hook"): the not-due path
	// called N times in a row, against an empty function and a bare loop,
	// timed by the shell's own CPU time. Far less noisy than the prompt
	// round trip on a busy machine; it times exactly the shell code.
	summary.WriteString("in-shell loops, µs per call (shell CPU time):\n")
	fmt.Fprintf(&summary, "%-5s %12s %12s %12s\n", "shell", "empty func", "hook", "hook-empty")
	for i := 0; i < len(configs); i += 4 {
		hook := configs[i+2]
		n := 20000
		loop := func(body string) string { return fmt.Sprintf("for ((i=0;i<%d;i++)); do %s; done", n, body) }
		define := "_noop() { :; }"
		if hook.shell == "fish" {
			n = 5000
			loop = func(body string) string { return fmt.Sprintf("for i in (seq %d); %s; end", n, body) }
			define = "function _noop; end"
		}
		hook.sh.Run(define)
		timeLoop := func(body string) float64 {
			c0 := cpuTime(b, hook.sh.Pid(), false)
			hook.sh.Run(loop(body))
			return us(cpuTime(b, hook.sh.Pid(), false)-c0) / float64(n)
		}
		bare, empty := timeLoop(":"), timeLoop("_noop")
		check := timeLoop(map[bool]string{true: "__awsmfa_hook", false: "_awsmfa_hook"}[hook.shell == "fish"])
		if starts := f.lines("starts"); len(starts) != 0 {
			b.Fatalf("%s: the hook started awsmfa in the loop", hook.shell)
		}
		b.ReportMetric(check-bare, hook.shell+"-hook-call-µs")
		fmt.Fprintf(&summary, "%-5s %12.2f %12.2f %12.2f\n", hook.shell, empty-bare, check-bare, check-empty)
	}

	// Printed, not logged: the testing package truncates benchmark logs.
	fmt.Print(summary.String())
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

// promptSegment reads the hook's segment, as promptVar does.
func promptSegment(sh *ptytest.Shell) string { return promptVar(sh) }

// cpuTime is the CPU time pid has used (schedstat, in nanoseconds), plus,
// with children, that of its children that have been waited for (clock
// ticks, from /proc/PID/stat).
func cpuTime(tb testing.TB, pid int, children bool) time.Duration {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		tb.Fatalf("reading the shell's CPU time: %v", err)
	}
	ns, err := strconv.ParseInt(strings.Fields(string(b))[0], 10, 64)
	if err != nil {
		tb.Fatalf("reading the shell's CPU time: %v", err)
	}
	d := time.Duration(ns)
	if children {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			tb.Fatal(err)
		}
		// Fields after the command name in parentheses; cutime and cstime
		// are fields 16 and 17 of the whole line.
		rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		cu, _ := strconv.ParseInt(rest[13], 10, 64)
		cs, _ := strconv.ParseInt(rest[14], 10, 64)
		d += time.Duration(cu+cs) * time.Second / 100 // USER_HZ is 100 on Linux
	}
	return d
}
