package awsini

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fileState is a file's bytes, mode and mtime, to prove a failure left it
// exactly as it was.
type fileState struct {
	data  []byte
	mode  fs.FileMode
	mtime time.Time
}

func stat(t *testing.T, path string) fileState {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{data, fi.Mode(), fi.ModTime()}
}

func same(a, b fileState) bool {
	return bytes.Equal(a.data, b.data) && a.mode == b.mode && a.mtime.Equal(b.mtime)
}

// tmpFiles lists temporary files an Update may have left in dir.
func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	var all []string
	for _, pattern := range []string{".*.tmp-*", ".*.awsmfa-tmp-*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	return all
}

func setKV(section string, kvs ...KV) func(*File) error {
	return func(f *File) error { return f.Set(section, kvs...) }
}

func TestUpdateCreatesPrivateFile(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".aws", "credentials")
	if err := Update(t.Context(), path, Options{}, setKV("x", KV{"k", "v"})); err != nil {
		t.Fatal(err)
	}
	st := stat(t, path)
	if string(st.data) != "[x]\nk = v\n" || st.mode.Perm() != Mode {
		t.Errorf("file %q mode %v; want [x] k = v, mode %v", st.data, st.mode, Mode)
	}
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil || fi.Mode().Perm() != DirMode {
		t.Errorf("directory mode %v (%v), want %v", fi.Mode(), err, DirMode)
	}
	if left := tmpFiles(t, filepath.Dir(path)); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestUpdateKeepsOtherBytesAndTightensMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	const in = "# keep me\r\n[a]\r\nk=1\r\n\r\n[b]\r\n  j : 2"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Update(t.Context(), path, Options{}, setKV("c", KV{"k", "v"})); err != nil {
		t.Fatal(err)
	}
	st := stat(t, path)
	if want := in + "\r\n\r\n[c]\r\nk = v\r\n"; string(st.data) != want {
		t.Errorf("got %q, want %q", st.data, want)
	}
	if st.mode.Perm() != Mode {
		t.Errorf("mode %v, want %v: the file holds secrets", st.mode, Mode)
	}
}

// TestUpdateNoChangeNoWrite: an edit that changes nothing does not touch
// the file.
func TestUpdateNoChangeNoWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("[x]\nk = v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	before := stat(t, path)
	if err := Update(t.Context(), path, Options{}, setKV("x", KV{"k", "v"})); err != nil {
		t.Fatal(err)
	}
	if !same(before, stat(t, path)) {
		t.Error("the file was rewritten though nothing changed")
	}
}

// TestUpdateFailuresLeaveFileIntact: a malformed file, a failing edit and
// a failing rename each leave the file byte-for-byte as it was, with the
// same mode and mtime, and no temporary file behind.
func TestUpdateFailuresLeaveFileIntact(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		opt     Options
		edit    func(*File) error
		want    string
	}{
		{name: "unclosed header", content: "[a]\nk = 1\n[x-long-term\n",
			edit: setKV("a", KV{"k", "2"}), want: "credentials:3: unclosed section header"},
		{name: "edit refuses", content: "[a]\nk = 1\n",
			edit: func(*File) error { return errors.New("section [a] exists; pass --force") }, want: "pass --force"},
		{name: "rename fails", content: "[a]\nk = 1\n",
			opt:  Options{beforeRename: func(string) error { return &os.LinkError{Op: "rename", Err: syscall.EIO} }},
			edit: setKV("a", KV{"k", "2"}), want: "cannot write credentials: input/output error\nthe file is unchanged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			before := stat(t, path)
			tc.opt.Display = "credentials"
			err := Update(t.Context(), path, tc.opt, tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Update = %v, want an error with %q", err, tc.want)
			}
			if !same(before, stat(t, path)) {
				t.Error("the file changed")
			}
			if left := tmpFiles(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestUpdateFollowsSymlink: a credentials file that is a link into a
// dotfiles directory stays a link; its target is updated.
func TestUpdateFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "aws-credentials")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("[a]\nk = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "credentials")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := Update(t.Context(), link, Options{}, setKV("a", KV{"k", "2"})); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if b, _ := os.ReadFile(real); string(b) != "[a]\nk = 2\n" {
		t.Errorf("target = %q", b)
	}
}

// TestUpdateConcurrentWritersLoseNothing: many writers, each adding its own
// section at the same moment, all land: the lock serializes the
// read-modify-write cycles.
func TestUpdateConcurrentWritersLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("# shared\n[base]\nk = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- Update(context.Background(), path, Options{}, func(f *File) error {
				// Widen the window between read and write.
				time.Sleep(time.Millisecond)
				return f.Set(fmt.Sprintf("w%02d", i), KV{"k", fmt.Sprint(i)})
			})
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := Read(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.Sections()); got != n+1 {
		t.Errorf("%d sections, want %d: a writer's change was lost\n%s", got, n+1, f.Bytes())
	}
	if !strings.HasPrefix(string(f.Bytes()), "# shared\n[base]\nk = 0\n") {
		t.Errorf("the start of the file changed:\n%s", f.Bytes())
	}
}

// TestUpdateWaitsForLock: while another holder has the lock, Update waits,
// and gives up with a clear message when its context ends.
func TestUpdateWaitsForLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Update(context.Background(), path, Options{}, func(f *File) error {
			close(held)
			<-release
			return f.Set("first", KV{"k", "1"})
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err := Update(ctx, path, Options{Display: "creds"}, setKV("second", KV{"k", "2"}))
	if err == nil || !strings.Contains(err.Error(), "creds is locked by another program") {
		t.Errorf("Update under a held lock = %v, want a lock message", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f, err := Read(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Sections(); len(got) != 1 || got[0] != "first" {
		t.Errorf("sections %q, want only first", got)
	}
}

func TestReadMissingFileIsEmpty(t *testing.T) {
	f, err := Read(filepath.Join(t.TempDir(), "nope"), Options{})
	if err != nil || len(f.Sections()) != 0 {
		t.Fatalf("Read = %v, %v", f, err)
	}
}

func TestUpdateRefusesNonRegularFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	err := Update(t.Context(), path, Options{Display: "creds"}, setKV("a", KV{"k", "1"}))
	if err == nil || !strings.Contains(err.Error(), "creds is not a regular file") {
		t.Errorf("Update = %v", err)
	}
}
