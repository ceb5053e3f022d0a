package cache

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ctxT shortens fetch function literals.
type ctxT = context.Context

// Helper modes: the test binary re-executes itself with helperEnv set to one
// of these to act as a second awsmfa process.
const (
	helperEnv   = "AWSMFA_CACHE_TEST_HELPER"
	helperFetch = "fetch" // wait for the start file, Fetch, append to the count file per fetch, print the session
	helperHold  = "hold"  // Fetch with a fetch that creates the held file and then blocks forever
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case helperFetch:
		os.Exit(helperFetchMain())
	case helperHold:
		os.Exit(helperHoldMain())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s=%q\n", helperEnv, os.Getenv(helperEnv))
		os.Exit(2)
	}
}

// helperOut is what a helper process prints.
type helperOut struct {
	Session Session
	Cached  bool
}

func helperFetchMain() int {
	dir, key, count, start := os.Getenv("H_DIR"), os.Getenv("H_KEY"), os.Getenv("H_COUNT"), os.Getenv("H_START")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(start); err == nil {
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "helper: start file never appeared")
			return 1
		}
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sess, cached, err := s.Fetch(ctx, key, 10*time.Minute, false, func(ctxT) (Session, error) {
		f, err := os.OpenFile(count, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return Session{}, err
		}
		fmt.Fprintf(f, "fetch by pid %d\n", os.Getpid())
		f.Close()
		time.Sleep(200 * time.Millisecond) // let the others pile up on the lock
		return sample(fmt.Sprint(os.Getpid()), time.Now(), time.Hour), nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	json.NewEncoder(os.Stdout).Encode(helperOut{Session: sess, Cached: cached})
	return 0
}

func helperHoldMain() int {
	s, err := Open(os.Getenv("H_DIR"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	_, _, err = s.Fetch(context.Background(), os.Getenv("H_KEY"), 0, false, func(ctxT) (Session, error) {
		if err := os.WriteFile(os.Getenv("H_HELD"), nil, 0o600); err != nil {
			return Session{}, err
		}
		for { // hold the lock until killed (select{} would trip the deadlock detector)
			time.Sleep(time.Hour)
		}
	})
	fmt.Fprintln(os.Stderr, "helper: Fetch returned:", err)
	return 1
}

// helper returns a command running this test binary in the given mode.
func helper(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	return cmd
}

// waitFor polls until p exists, failing the test after a generous limit
// (a hang guard, not a speed check).
func waitFor(t *testing.T, p string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(p); err == nil {
			return
		}
	}
	t.Fatalf("%s never appeared", p)
}

func TestFetchHitMissExpiry(t *testing.T) {
	now := t0
	s := newStore(t, WithClock(func() time.Time { return now }))
	key := Key("k")
	calls := 0
	next := func(id string, ttl time.Duration) func(ctxT) (Session, error) {
		return func(ctxT) (Session, error) {
			calls++
			sess := sample(id, now, ttl)
			sess.Issued = time.Time{} // Fetch stamps it with the Store's clock
			return sess, nil
		}
	}
	steps := []struct {
		name       string
		advance    time.Duration
		ttl        time.Duration
		margin     time.Duration
		force      bool
		wantCached bool
		wantID     string
		wantCalls  int
	}{
		{"empty cache fetches", 0, time.Hour, 10 * time.Minute, false, false, "ASIA1", 1},
		{"usable session is a hit", 40 * time.Minute, time.Hour, 10 * time.Minute, false, true, "ASIA1", 1},
		{"inside the margin fetches", 11 * time.Minute, time.Hour, 10 * time.Minute, false, false, "ASIA3", 2},
		{"hit again", time.Minute, time.Hour, 10 * time.Minute, false, true, "ASIA3", 2},
		{"force fetches though usable", time.Minute, time.Hour, 10 * time.Minute, true, false, "ASIA5", 3},
		{"expired fetches", 2 * time.Hour, time.Hour, 0, false, false, "ASIA6", 4},
		// A margin longer than the session must not refetch every time.
		{"short session, long margin", time.Minute, 5 * time.Minute, time.Hour, true, false, "ASIA7", 5},
		{"short session reused", time.Minute, 5 * time.Minute, time.Hour, false, true, "ASIA7", 5},
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		got, cached, err := s.Fetch(t.Context(), key, st.margin, st.force, next(fmt.Sprint(i+1), st.ttl))
		if err != nil {
			t.Fatalf("%s: Fetch: %v", st.name, err)
		}
		if cached != st.wantCached || got.Credentials.AccessKeyID != st.wantID || calls != st.wantCalls {
			t.Fatalf("%s: got %s cached=%v after %d fetches; want %s cached=%v after %d",
				st.name, got.Credentials.AccessKeyID, cached, calls, st.wantID, st.wantCached, st.wantCalls)
		}
		if !cached && !got.Issued.Equal(now) {
			t.Errorf("%s: Issued = %v, want the Store's clock %v", st.name, got.Issued, now)
		}
	}
}

func TestFetchErrorChangesNothing(t *testing.T) {
	s := newStore(t, WithClock(func() time.Time { return t0 }))
	key := Key("k")
	old := sample("old", t0.Add(-2*time.Hour), time.Hour) // expired
	if err := s.Save(key, old); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("STS said no")
	_, _, err := s.Fetch(t.Context(), key, 0, false, func(ctxT) (Session, error) { return Session{}, boom })
	if err != boom {
		t.Fatalf("Fetch = %v, want fetch's error as it is", err)
	}
	if got, err := s.Load(key); err != nil || !same(got, old) {
		t.Errorf("after a failed fetch, Load = %+v, %v; want the previous session", got, err)
	}

	// A fetched session without an expiry is handed back but not cached.
	noExp := sample("x", t0, time.Hour)
	noExp.Credentials.Expiration = time.Time{}
	got, _, err := s.Fetch(t.Context(), key, 0, false, func(ctxT) (Session, error) { return noExp, nil })
	if !errors.Is(err, ErrNotSaved) || !strings.Contains(err.Error(), "expiry") || got.Credentials.AccessKeyID != "ASIAx" {
		t.Fatalf("Fetch of a session without expiry = %+v, %v; want it back with ErrNotSaved naming the expiry", got, err)
	}
	if got, err := s.Load(key); err != nil || !same(got, old) {
		t.Errorf("Load = %+v, %v; want the previous session", got, err)
	}
}

// cacheStates are the starting points for the single-flight tests: the
// session is missing, expired, or corrupt.
var cacheStates = []struct {
	name  string
	setup func(t *testing.T, s *Store, key string)
}{
	{"empty", func(*testing.T, *Store, string) {}},
	{"stale", func(t *testing.T, s *Store, key string) {
		if err := s.Save(key, sample("stale", time.Now().Add(-2*time.Hour), time.Hour)); err != nil {
			t.Fatal(err)
		}
	}},
	{"corrupt", func(t *testing.T, s *Store, key string) {
		if err := os.WriteFile(filepath.Join(s.Dir(), key+".json"), []byte(`{"Version":1,`), 0o600); err != nil {
			t.Fatal(err)
		}
	}},
}

func TestFetchGoroutinesFetchOnce(t *testing.T) {
	for _, st := range cacheStates {
		t.Run(st.name, func(t *testing.T) {
			s := newStore(t)
			key := Key("shared")
			st.setup(t, s, key)
			fetchOnceGoroutines(t, s, key)
		})
	}
}

func fetchOnceGoroutines(t *testing.T, s *Store, key string) {
	const n = 64
	var calls atomic.Int32
	start := make(chan struct{})
	type result struct {
		sess   Session
		cached bool
		err    error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sess, cached, err := s.Fetch(t.Context(), key, 10*time.Minute, false, func(ctxT) (Session, error) {
				c := calls.Add(1)
				time.Sleep(100 * time.Millisecond) // hold the lock while the others arrive
				return sample(fmt.Sprint("call", c), time.Now(), time.Hour), nil
			})
			results[i] = result{sess, cached, err}
		}()
	}
	close(start)
	wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Fatalf("%d goroutines made %d fetches, want 1", n, c)
	}
	fetched := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("goroutine %d: %v", i, r.err)
		}
		if !same(r.sess, results[0].sess) {
			t.Errorf("goroutine %d got %+v, goroutine 0 got %+v", i, r.sess, results[0].sess)
		}
		if !r.cached {
			fetched++
		}
	}
	if fetched != 1 {
		t.Errorf("%d results say they fetched, want 1", fetched)
	}
}

func TestFetchProcessesFetchOnce(t *testing.T) {
	for _, st := range cacheStates[:2] { // empty and stale
		t.Run(st.name, func(t *testing.T) {
			work := t.TempDir()
			dir := filepath.Join(work, "cache")
			key := Key("shared-across-processes")
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			st.setup(t, s, key)
			fetchOnceProcesses(t, work, dir, key)
		})
	}
}

func fetchOnceProcesses(t *testing.T, work, dir, key string) {
	const n = 16
	count := filepath.Join(work, "count")
	start := filepath.Join(work, "start")
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range n {
		cmd := helper(t, helperFetch, "H_DIR="+dir, "H_KEY="+key, "H_COUNT="+count, "H_START="+start)
		outs[i] = new(bytes.Buffer)
		cmd.Stdout = outs[i]
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	// All processes are running; release them at once.
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
	}
	data, err := os.ReadFile(count)
	if err != nil {
		t.Fatalf("no process fetched: %v", err)
	}
	if lines := strings.Count(string(data), "\n"); lines != 1 {
		t.Fatalf("%d processes made %d fetches, want 1:\n%s", n, lines, data)
	}
	var first helperOut
	fetched := 0
	for i, out := range outs {
		var got helperOut
		if err := json.NewDecoder(bufio.NewReader(out)).Decode(&got); err != nil {
			t.Fatalf("process %d printed %q: %v", i, out.String(), err)
		}
		if i == 0 {
			first = got
		}
		if !same(got.Session, first.Session) {
			t.Errorf("process %d got %+v, process 0 got %+v", i, got.Session, first.Session)
		}
		if !got.Cached {
			fetched++
		}
	}
	if fetched != 1 {
		t.Errorf("%d processes say they fetched, want 1", fetched)
	}
}

func TestFetchAfterLockHolderKilled(t *testing.T) {
	work := t.TempDir()
	dir := filepath.Join(work, "cache")
	held := filepath.Join(work, "held")
	key := Key("killed")
	cmd := helper(t, helperHold, "H_DIR="+dir, "H_KEY="+key, "H_HELD="+held)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, held)

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(calls *int) func(ctxT) (Session, error) {
		return func(ctxT) (Session, error) {
			*calls++
			return sample("after", time.Now(), time.Hour), nil
		}
	}
	// The helper really holds the lock: a Fetch cannot get it.
	calls := 0
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	_, _, err = s.Fetch(ctx, key, 0, false, fetch(&calls))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || calls != 0 {
		t.Fatalf("Fetch while the helper holds the lock = %v (fetches %d), want a lock timeout", err, calls)
	}

	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs in the helper
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("helper exited cleanly; want death by SIGKILL")
	}

	ctx, cancel = context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	got, cached, err := s.Fetch(ctx, key, 0, false, fetch(&calls))
	if err != nil || cached || calls != 1 || got.Credentials.AccessKeyID != "ASIAafter" {
		t.Fatalf("Fetch after the holder was killed = %+v, cached=%v, %v, fetches %d; want a fresh fetch", got, cached, err, calls)
	}
}

func TestFetchCancelWhileWaiting(t *testing.T) {
	s := newStore(t)
	key := Key("busy")
	inside, release := make(chan struct{}), make(chan struct{})
	holderDone := make(chan error)
	go func() {
		_, _, err := s.Fetch(context.Background(), key, 0, false, func(ctxT) (Session, error) {
			close(inside)
			<-release
			return sample("holder", time.Now(), time.Hour), nil
		})
		holderDone <- err
	}()
	<-inside

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, _, err := s.Fetch(ctx, key, 0, false, func(ctxT) (Session, error) {
			t.Error("fetch called although the lock is held")
			return Session{}, nil
		})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch = %v, want context.Canceled", err)
		}
		if err != nil && (!strings.Contains(err.Error(), "waiting for the lock") || !strings.Contains(err.Error(), key+".lock")) {
			t.Errorf("error %q does not say it was waiting for the lock", err)
		}
	case <-time.After(30 * time.Second): // hang guard
		t.Fatal("Fetch did not return after its context was cancelled")
	}
	close(release)
	if err := <-holderDone; err != nil {
		t.Errorf("holder: %v", err)
	}
}

// With force, a caller that waited for the lock while another refreshed
// takes that refresh instead of fetching again (one code, not two).
func TestForceAcceptsSessionIssuedWhileWaiting(t *testing.T) {
	s := newStore(t)
	key := Key("forced")
	if err := s.Save(key, sample("old", time.Now().Add(-time.Minute), time.Hour)); err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan Session)
	go func() {
		sess, _, err := s.Fetch(context.Background(), key, 0, true, func(ctxT) (Session, error) {
			close(inside)
			<-release
			sess := sample("first", time.Now(), time.Hour)
			sess.Issued = time.Time{} // stamped by Fetch after the second caller began waiting
			return sess, nil
		})
		if err != nil {
			t.Error(err)
		}
		first <- sess
	}()
	<-inside
	var secondCalls atomic.Int32
	second := make(chan Session)
	go func() {
		sess, cached, err := s.Fetch(context.Background(), key, 0, true, func(ctxT) (Session, error) {
			secondCalls.Add(1)
			return sample("second", time.Now(), time.Hour), nil
		})
		if err != nil || !cached {
			t.Errorf("second Fetch: cached=%v, err=%v; want the first one's session", cached, err)
		}
		second <- sess
	}()
	time.Sleep(50 * time.Millisecond) // let the second caller start waiting
	close(release)
	a, b := <-first, <-second
	if secondCalls.Load() != 0 {
		t.Errorf("second forced Fetch fetched again; want it to take the session issued while it waited")
	}
	if !same(a, b) || a.Credentials.AccessKeyID != "ASIAfirst" {
		t.Errorf("first got %s, second got %s; want both ASIAfirst", a.Credentials.AccessKeyID, b.Credentials.AccessKeyID)
	}
}
