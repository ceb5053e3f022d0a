//go:build unix

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
)

func rss(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rss", flag.ContinueOnError)
	runs := fs.Int("runs", 5, "runs; the largest peak is printed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *runs < 1 {
		return errors.New("usage: benchtool rss [-runs N] -- PROG [ARG...]")
	}
	peak := int64(0)
	for range *runs {
		cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v", strings.Join(fs.Args(), " "), err)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			return errors.New("rss: this system reports no resource usage")
		}
		peak = max(peak, maxRSSKiB(int64(ru.Maxrss)))
	}
	fmt.Fprintln(stdout, peak)
	return nil
}

// maxRSSKiB converts ru_maxrss to KiB: macOS reports bytes, the other
// Unix systems KiB.
func maxRSSKiB(maxrss int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return maxrss / 1024
	}
	return maxrss
}
