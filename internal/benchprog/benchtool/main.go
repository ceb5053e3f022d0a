// Command benchtool is the measuring side of scripts/bench.sh (`make
// bench`). It needs only the standard library, so CI needs nothing but Go
// (hyperfine is used when installed).
//
//	benchtool stats FILE.json...
//	benchtool loop [-runs N] [-warmup N] [-prepare CMD] -export FILE.json CMD...
//	benchtool rss [-runs N] -- PROG [ARG...]
//
// stats prints "MEAN STDDEV" in seconds, one line per command, from JSON
// files exported by `hyperfine --export-json` (or by loop). Given several
// files (rounds of the same commands, taken in turns so that drift in the
// machine's speed falls on every command alike), it pools each command's
// run times across them.
//
// loop is the fallback when hyperfine is missing: it runs each CMD (a
// string split at spaces, run without a shell, stdout and stderr
// discarded) -warmup times unmeasured and then -runs times, timing each run
// with the monotonic clock, and writes the same JSON shape hyperfine does.
//
// rss runs PROG -runs times and prints the largest peak resident set size
// of any run in KiB (getrusage's ru_maxrss), failing if a run fails.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

const usage = "usage: benchtool stats FILE.json... | loop [-runs N] [-warmup N] [-prepare CMD] -export FILE.json CMD... | rss [-runs N] -- PROG [ARG...]"

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "stats":
		if len(args) < 2 {
			return errors.New("usage: benchtool stats FILE.json...")
		}
		return stats(args[1:], stdout)
	case "loop":
		return loop(args[1:])
	case "rss":
		return rss(args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

// export is the part of hyperfine's --export-json format that bench.sh
// reads.
type export struct {
	Results []result `json:"results"`
}

type result struct {
	Command string    `json:"command"`
	Mean    float64   `json:"mean"`
	Stddev  float64   `json:"stddev"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Times   []float64 `json:"times"`
}

func stats(paths []string, stdout io.Writer) error {
	var pooled []result
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var e export
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("%s: not a hyperfine JSON export: %v", path, err)
		}
		if pooled == nil {
			pooled = make([]result, len(e.Results))
		}
		if len(e.Results) == 0 || len(e.Results) != len(pooled) {
			return fmt.Errorf("%s: %d results, want %d as in %s", path, len(e.Results), len(pooled), paths[0])
		}
		for i, r := range e.Results {
			if len(r.Times) == 0 {
				return fmt.Errorf("%s: command %q has no run times", path, r.Command)
			}
			pooled[i].Command = r.Command
			pooled[i].Times = append(pooled[i].Times, r.Times...)
		}
	}
	for _, r := range pooled {
		mean, sd := meanStddev(r.Times)
		fmt.Fprintf(stdout, "%.9f %.9f\n", mean, sd)
	}
	return nil
}

// meanStddev returns the mean and the sample standard deviation of xs.
func meanStddev(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

func loop(args []string) error {
	fs := flag.NewFlagSet("loop", flag.ContinueOnError)
	runs := fs.Int("runs", 200, "measured runs of each command")
	warmup := fs.Int("warmup", 20, "unmeasured runs of each command first")
	out := fs.String("export", "", "write hyperfine-style JSON here")
	prepare := fs.String("prepare", "", "a command run, untimed, before every run (as hyperfine's --prepare)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 || *runs < 2 {
		return errors.New("usage: benchtool loop [-runs N>1] [-warmup N] [-prepare CMD] -export FILE.json CMD...")
	}
	prep := strings.Fields(*prepare)
	run := func(argv []string) (time.Duration, error) {
		if len(prep) > 0 {
			if _, err := once(prep); err != nil {
				return 0, err
			}
		}
		return once(argv)
	}
	var e export
	for _, c := range fs.Args() {
		argv := strings.Fields(c)
		if len(argv) == 0 {
			return errors.New("loop: empty command")
		}
		for range *warmup {
			if _, err := run(argv); err != nil {
				return err
			}
		}
		r := result{Command: c, Min: math.Inf(1)}
		for range *runs {
			d, err := run(argv)
			if err != nil {
				return err
			}
			s := d.Seconds()
			r.Times = append(r.Times, s)
			r.Min, r.Max = min(r.Min, s), max(r.Max, s)
		}
		r.Mean, r.Stddev = meanStddev(r.Times)
		e.Results = append(e.Results, r)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

// once runs argv with stdout and stderr discarded and returns how long it
// took, from just before the fork to just after the wait.
func once(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", strings.Join(argv, " "), err)
	}
	return d, nil
}
