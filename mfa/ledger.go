package mfa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/fsx"
)

// step is the RFC 6238 time step of AWS virtual MFA devices.
const step = 30 * time.Second

// ErrCodeUsed is returned when the only code a source can give (--code,
// --code -) is the one STS accepted last on that device: AWS would refuse it.
var ErrCodeUsed = errors.New("that code was used already; wait for the next one")

// LedgerFile is the name of the Ledger's file in the cache directory. It
// has no .json suffix so cache.Store.List never takes it for a session.
const LedgerFile = "used-mfa-steps"

// Ledger remembers, for each MFA device, the 30-second time step and a
// hash of the last code STS accepted, so that no code is ever sent twice on
// one device: AWS accepts each code once, and a second STS call with the
// same code fails with "invalid MFA one time pass code" (the Terraform
// several-providers failure).
//
// The file is JSON, mode 0600, in the private cache directory, replaced
// atomically. It holds no secret: a code is worthless once used, and it is
// stored only as a SHA-256 hash anyway. A lock file per device beside it
// ("…-DEVICEHASH.lock") serialises getting, sending and recording a code
// for that device, so two processes that need a code for the same device at
// once (an MFA session and a long role session, which have different cache
// keys) never send the same one, while a question for one device never
// holds up another. The file itself is updated under a lock of its own
// ("….lock"), held only for the read-modify-write.
type Ledger struct {
	// Path is the file; see LedgerFile.
	Path string
	// Notify receives the one-line notices of a wait or a refused code
	// (stderr in the command); nil discards them.
	Notify io.Writer
	// Sleep waits for d or until ctx is done; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// usedStep is one device's record.
type usedStep struct {
	Step int64  `json:"step"`        // Unix time / 30 s when the code was obtained
	Hash string `json:"code_sha256"` // codeHash(device, code)
}

type usedFile struct {
	Devices map[string]usedStep `json:"devices"`
}

func codeHash(device, code string) string {
	h := sha256.Sum256([]byte("awsmfa used code\x00" + device + "\x00" + code))
	return hex.EncodeToString(h[:])
}

func stepAt(t time.Time) int64 { return t.Unix() / int64(step/time.Second) }

// Lock takes the lock of device, which serialises getting, sending and
// recording a code for it across processes, and returns a context that
// tells waiters who holds it (cache.LockFile). Call unlock once the code
// is recorded or given up.
func (u *Ledger) Lock(ctx context.Context, device string) (_ context.Context, unlock func(), _ error) {
	return u.lock(ctx, u.Path+"-"+codeHash(device, "")[:16]+".lock")
}

// Fresh asks src for a code that is not the last one STS accepted on
// device, waiting for the next time step or asking again as src allows
// (Source.Renewal). It returns the code and the step it was obtained in,
// for Record. Hold the device's Lock while getting, sending and recording.
func (u *Ledger) Fresh(ctx context.Context, src Source, device string, now func() time.Time) (string, int64, error) {
	last, known, err := u.last(device)
	if err != nil {
		return "", 0, err
	}
	kind := src.Renewal()
	const tries = 3
	for try := 1; ; try++ {
		if known && kind == WaitNext && stepAt(now()) <= last.Step {
			if err := u.waitFor(ctx, last.Step+1, device, now); err != nil {
				return "", 0, err
			}
		}
		code, err := src.Code(ctx, device)
		if err != nil {
			return "", 0, err
		}
		cur := stepAt(now())
		if known && kind == Compute && cur <= last.Step {
			if err := u.waitFor(ctx, last.Step+1, device, now); err != nil {
				return "", 0, err
			}
			continue
		}
		// The same six digits two or more steps apart are a different
		// code (AWS accepts a step either side of now, no more).
		if !known || codeHash(device, code) != last.Hash || cur-last.Step > 2 {
			return code, cur, nil
		}
		switch {
		case kind == Refuse:
			return "", 0, ErrCodeUsed
		case try >= tries:
			return "", 0, fmt.Errorf("%w (got it %d times)", ErrCodeUsed, tries)
		case kind == AskAgain:
			u.notify("awsmfa: %v\n", ErrCodeUsed)
		default:
			// The source's clock lags ours: its code is still the old
			// one. Give it the step after the one we just saw.
			last.Step = cur
		}
	}
}

// waitFor sleeps until step next begins, saying why.
func (u *Ledger) waitFor(ctx context.Context, next int64, device string, now func() time.Time) error {
	d := time.Unix(next*int64(step/time.Second), 0).Sub(now())
	if d <= 0 {
		return nil
	}
	// A little past the boundary, so a clock read right after the sleep
	// is surely in the new step.
	d += 100 * time.Millisecond
	u.notify("awsmfa: waiting %ds for the next code of %s (the current one was used already)\n", int((d+time.Second-1)/time.Second), device)
	sleep := u.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	if err := sleep(ctx, d); err != nil {
		return fmt.Errorf("stopped waiting for the next MFA code: %w", err)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (u *Ledger) notify(format string, args ...any) {
	if u.Notify != nil {
		fmt.Fprintf(u.Notify, format, args...)
	}
}

// lock takes the lock file at path (cache.LockFile: a private regular
// file, and a waiter is told who holds it), polling until it is free or
// ctx is done. In a read-only cache no lock file can be made, and nothing
// can be recorded either: it goes on without the lock (cache.LockOrSkip),
// and the warning that the new session is handed out unsaved tells the
// user.
func (u *Ledger) lock(ctx context.Context, path string) (context.Context, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return ctx, nil, fmt.Errorf("cannot create %s: %v", filepath.Dir(path), err)
	}
	ctx, unlock, _, err := cache.LockOrSkip(ctx, path, cache.Skip{Unsafe: true})
	return ctx, unlock, err
}

// read returns the file's records; a missing or corrupt file is empty (a
// corrupt one is replaced by the next record). A file that others may read
// or write is refused: it decides which codes are sent.
func (u *Ledger) read() (usedFile, error) {
	f := usedFile{Devices: map[string]usedStep{}}
	fi, err := os.Lstat(u.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("cannot read %s: %v", u.Path, err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		return f, fmt.Errorf("%s is not a private file (mode %v); remove it and awsmfa will make a new one", u.Path, fi.Mode())
	}
	b, err := os.ReadFile(u.Path)
	if err != nil {
		return f, fmt.Errorf("cannot read %s: %v", u.Path, err)
	}
	if json.Unmarshal(b, &f) != nil || f.Devices == nil {
		return usedFile{Devices: map[string]usedStep{}}, nil
	}
	return f, nil
}

func (u *Ledger) last(device string) (usedStep, bool, error) {
	f, err := u.read()
	if err != nil {
		return usedStep{}, false, err
	}
	s, ok := f.Devices[device]
	return s, ok, nil
}

// Record notes that STS accepted code for device in step at (as Fresh
// returned them), or may have. Records older than a day are dropped: by
// then no code can be replayed.
func (u *Ledger) Record(ctx context.Context, device string, at int64, code string) error {
	_, unlock, err := u.lock(ctx, u.Path+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	f, err := u.read()
	if err != nil {
		return err
	}
	for d, s := range f.Devices {
		if at-s.Step > int64(24*time.Hour/step) {
			delete(f.Devices, d)
		}
	}
	f.Devices[device] = usedStep{Step: at, Hash: codeHash(device, code)}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(u.Path, append(b, '\n')); err != nil {
		if cache.Unwritable(filepath.Dir(u.Path)) != nil {
			// Nothing can be written in a read-only cache; the warning
			// that the session could not be cached says so once.
			return nil
		}
		return err
	}
	return nil
}

// writeAtomic replaces path with b: a 0600 temporary file in the same
// directory, synced and renamed over it, then the directory synced
// (internal/fsx).
func writeAtomic(path string, b []byte) error {
	base := filepath.Base(path)
	err := fsx.WriteFile(path, b, 0o600, fsx.Options{
		// Earlier versions named theirs ".NAME.tmp-PID-RANDOM".
		LegacyTemp: func(name string) bool { return strings.HasPrefix(name, "."+base+".tmp-") },
	})
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	return nil
}
