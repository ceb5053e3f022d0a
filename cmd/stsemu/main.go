// Command stsemu runs the strict STS + IAM emulator of internal/stsemu on
// loopback, for tests of other processes and for `make demo`.
//
//	stsemu serve [--state FILE | --demo] [--addr 127.0.0.1:0] [--url-file F]
//	stsemu code --seed BASE32 [--offset 30s]
//	stsemu code --url URL --serial ARN [--offset 30s]
//	stsemu state --demo
//
// serve prints the emulator's URL (http://127.0.0.1:PORT) as the first line
// on stdout and serves until SIGINT or SIGTERM. It refuses any address that
// is not loopback. Point clients at it with AWS_ENDPOINT_URL_STS and
// AWS_ENDPOINT_URL_IAM (or --endpoint-url), and awsmfa login with
// AWS_ENDPOINT_URL_SIGNIN (the federation endpoint is URL/federation); its
// control endpoints are under URL/_emu/ (log, counters, time, code,
// advance, shorten, fault, invalidate, reset).
//
// code prints the current TOTP code of a seed by the wall clock, or of a
// device by a running emulator's clock (which tests may have advanced).
//
// state --demo prints the demo account as a state file to start from.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
	"github.com/awsmfa/awsmfa/internal/stsemu"
)

const usage = `usage:
  stsemu serve [--state FILE | --demo] [--addr 127.0.0.1:0] [--url-file FILE]
  stsemu code --seed BASE32 [--offset 30s]
  stsemu code --url URL --serial ARN [--offset 30s]
  stsemu state --demo`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, time.Now))
}

// errUsage marks errors that deserve the usage text.
type errUsage string

func (e errUsage) Error() string { return string(e) }

// run is the whole command, with its streams, clock and cancellation
// injected; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, now)
	case "code":
		err = code(ctx, args[1:], stdout, now)
	case "state":
		err = state(args[1:], stdout)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		err = errUsage(fmt.Sprintf("unknown command %q", args[0]))
	}
	var ue errUsage
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(stdout, usage)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "stsemu: %v\n%s\n", err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "stsemu: %v\n", err)
		return 1
	}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage(fmt.Sprintf("%s: %v", fs.Name(), err))
	}
	if fs.NArg() > 0 {
		return errUsage(fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0)))
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout io.Writer, now func() time.Time) error {
	fs := newFlags("serve")
	statePath := fs.String("state", "", "state file (JSON)")
	demo := fs.Bool("demo", false, "serve the demo account")
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	urlFile := fs.String("url-file", "", "also write the URL to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	var st stsemu.State
	switch {
	case *demo && *statePath != "":
		return errUsage("serve: give either --state FILE or --demo, not both")
	case *demo:
		st = stsemu.DemoState()
	case *statePath != "":
		var err error
		if st, err = stsemu.LoadState(*statePath); err != nil {
			return err
		}
	default:
		return errUsage("serve: give --state FILE or --demo")
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", *addr, err)
	}
	u := "http://" + ln.Addr().String()
	srv := &http.Server{
		Handler:           stsemu.New(st, stsemu.WithClock(now)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, []byte(u+"\n")); err != nil {
			ln.Close()
			return fmt.Errorf("cannot write --url-file: %v", err)
		}
	}
	if _, err := fmt.Fprintln(stdout, u); err != nil {
		ln.Close()
		return fmt.Errorf("cannot print the URL: %v", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server stopped: %v", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %v", err)
	}
	return nil
}

// checkLoopback refuses any listen address that is not on loopback: the
// emulator accepts well-known demo keys and must not be reachable from
// elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return errUsage(fmt.Sprintf("serve: --addr %q is not host:port (e.g. 127.0.0.1:0)", addr))
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to listen on %q: the emulator serves loopback only; use 127.0.0.1:PORT or [::1]:PORT", addr)
	}
	return nil
}

// writeFileAtomic writes the URL file whole or not at all, so a reader
// polling for it never sees half a URL; it need not survive a crash.
func writeFileAtomic(path string, data []byte) error {
	return fsx.WriteFile(path, data, 0o600, fsx.Options{NoSync: true})
}

func code(ctx context.Context, args []string, stdout io.Writer, now func() time.Time) error {
	fs := newFlags("code")
	seed := fs.String("seed", "", "base32 TOTP seed")
	emu := fs.String("url", "", "URL of a running emulator")
	serial := fs.String("serial", "", "MFA device ARN (with --url)")
	offset := fs.Duration("offset", 0, "shift the time by this much (e.g. 30s for the next code)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *seed != "" && (*emu != "" || *serial != ""):
		return errUsage("code: give --seed, or --url with --serial, not both")
	case *seed != "":
		c, err := stsemu.Code(*seed, now().Add(*offset))
		if err != nil {
			return fmt.Errorf("code: %v", err)
		}
		fmt.Fprintln(stdout, c)
		return nil
	case *emu != "" && *serial != "":
		c, err := remoteCode(ctx, *emu, *serial, *offset)
		if err != nil {
			return fmt.Errorf("code: %v", err)
		}
		fmt.Fprintln(stdout, c)
		return nil
	default:
		return errUsage("code: give --seed BASE32, or --url URL and --serial ARN")
	}
}

// remoteCode asks a running emulator for a device's code by its clock.
func remoteCode(ctx context.Context, base, serial string, offset time.Duration) (string, error) {
	q := url.Values{"serial": {serial}, "offset": {offset.String()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/_emu/code?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("--url %q is not a valid URL", base)
	}
	cl := &http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot reach the emulator at %s: %v", base, err)
	}
	defer resp.Body.Close()
	var body struct{ Code, Error string }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body); err != nil {
		return "", fmt.Errorf("%s did not answer like an stsemu emulator (HTTP %d)", base, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(body.Error)
	}
	return body.Code, nil
}

func state(args []string, stdout io.Writer) error {
	fs := newFlags("state")
	demo := fs.Bool("demo", false, "print the demo account")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*demo {
		return errUsage("state: only --demo is supported: stsemu state --demo > state.json")
	}
	out, err := json.MarshalIndent(stsemu.DemoState(), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}
