//go:build unix

package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/testenv"
)

// nobody is the uid files are given to when a test needs another owner.
const nobody = 65534

func needRoot(t *testing.T) {
	t.Helper()
	testenv.NeedRoot(t, "give a file to another user")
}

func TestUnsafeFilesAreRefused(t *testing.T) {
	type setup func(t *testing.T, s *Store, p string) (target string)
	writeValid := func(mode os.FileMode) setup {
		return func(t *testing.T, s *Store, p string) string {
			if err := s.Save(filepath.Base(strings.TrimSuffix(p, ".json")), sample("victim", time.Now(), time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
			return ""
		}
	}
	tests := []struct {
		name  string
		root  bool
		setup setup
		want  []string // substrings of the error; "P" stands for the file's path
	}{
		{"mode 0644", false, writeValid(0o644), []string{"refusing cache file P", "mode 0644 lets others read it", "chmod 600 P"}},
		{"mode 0640", false, writeValid(0o640), []string{"mode 0640 lets others read it", "chmod 600 P"}},
		{"mode 0620", false, writeValid(0o620), []string{"mode 0620 lets others write to it"}},
		{"mode 0601", false, writeValid(0o601), []string{"mode 0601"}},
		{"owned by another user", true, func(t *testing.T, s *Store, p string) string {
			writeValid(0o600)(t, s, p)
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
			return ""
		}, []string{"refusing cache file P", "belongs to uid 65534", "remove it"}},
		{"symlink to a valid session", false, func(t *testing.T, s *Store, p string) string {
			other, err := Open(filepath.Join(t.TempDir(), "elsewhere"))
			if err != nil {
				t.Fatal(err)
			}
			if err := other.Save(Key("x"), sample("target", time.Now(), time.Hour)); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(other.Dir(), Key("x")+".json")
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			return target
		}, []string{"refusing cache file P", "a symbolic link", "remove it"}},
		{"dangling symlink", false, func(t *testing.T, s *Store, p string) string {
			target := filepath.Join(t.TempDir(), "created-through-link")
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			return target
		}, []string{"a symbolic link"}},
		{"directory", false, func(t *testing.T, s *Store, p string) string {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return ""
		}, []string{"refusing cache file P", "a directory"}},
		{"named pipe", false, func(t *testing.T, s *Store, p string) string {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return ""
		}, []string{"refusing cache file P", "a named pipe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				needRoot(t)
			}
			s := newStore(t)
			key := Key(tt.name)
			p := filepath.Join(s.Dir(), key+".json")
			target := tt.setup(t, s, p)
			before := snapshot(t, p, target)

			check := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, ErrUnsafe) {
					t.Errorf("%s = %v, want a refusal (ErrUnsafe)", op, err)
					return
				}
				for _, w := range tt.want {
					if w = strings.ReplaceAll(w, "P", p); !strings.Contains(err.Error(), w) {
						t.Errorf("%s error %q does not contain %q", op, err, w)
					}
				}
			}
			done := make(chan struct{})
			go func() { // a named pipe must not hang Load
				defer close(done)
				sess, err := s.Load(key)
				check("Load", err)
				if sess.Credentials.AccessKeyID != "" {
					t.Errorf("Load returned a session through an unsafe file: %+v", sess)
				}
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second): // hang guard
				t.Fatal("Load hung")
			}
			for _, force := range []bool{false, true} {
				_, _, err := s.Fetch(t.Context(), key, 0, force, func(context.Context) (Session, error) {
					t.Errorf("fetch called (force=%v) although the cache file is unsafe", force)
					return sample("new", time.Now(), time.Hour), nil
				})
				check("Fetch", err)
			}
			check("Save", s.Save(key, sample("new", time.Now(), time.Hour)))
			if after := snapshot(t, p, target); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
			entries, err := s.List()
			if err != nil || len(entries) != 1 || !errors.Is(entries[0].Err, ErrUnsafe) {
				t.Errorf("List = %+v, %v; want one entry with ErrUnsafe", entries, err)
			}
		})
	}
}

// snapshot describes p (without following it) and target: type, mode,
// owner and content.
func snapshot(t *testing.T, p, target string) string {
	t.Helper()
	describe := func(p string) string {
		fi, err := os.Lstat(p)
		if err != nil {
			return p + ": " + err.Error()
		}
		out := p + ": " + fi.Mode().String()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			out += " uid " + strconv.Itoa(int(st.Uid))
		}
		if fi.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			out += " " + string(data)
		}
		return out
	}
	out := describe(p)
	if target != "" {
		out += " | " + describe(target)
	}
	return out
}

func TestOpenRefusesUnsafeDir(t *testing.T) {
	tests := []struct {
		name  string
		root  bool
		setup func(t *testing.T, dir string)
		want  []string // "D" stands for the directory
	}{
		{"mode 0777", false, chmodDir(0o777), []string{"refusing cache directory D", "mode 0777", "chmod 700 D"}},
		{"mode 0755", false, chmodDir(0o755), []string{"mode 0755 lets others read it", "chmod 700 D"}},
		{"mode 0711", false, chmodDir(0o711), []string{"mode 0711 lets others into it"}},
		{"owned by another user", true, func(t *testing.T, dir string) {
			chmodDir(0o700)(t, dir)
			if err := os.Chown(dir, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}, []string{"refusing cache directory D", "belongs to uid 65534"}},
		{"a regular file", false, func(t *testing.T, dir string) {
			if err := os.WriteFile(dir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"D", "not a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				needRoot(t)
			}
			dir := filepath.Join(t.TempDir(), "awsmfa")
			tt.setup(t, dir)
			_, err := Open(dir)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "D", dir); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// After the fix the message suggests, Open works.
	dir := filepath.Join(t.TempDir(), "awsmfa")
	chmodDir(0o777)(t, dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Errorf("Open after chmod 700: %v", err)
	}
}

func chmodDir(mode os.FileMode) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil { // Chmod: umask does not apply
			t.Fatal(err)
		}
	}
}

func TestLockFileSymlinkRefused(t *testing.T) {
	s := newStore(t)
	key := Key("k")
	target := filepath.Join(t.TempDir(), "created-through-lock-link")
	if err := os.Symlink(target, filepath.Join(s.Dir(), key+".lock")); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Fetch(t.Context(), key, 0, false, func(context.Context) (Session, error) {
		t.Error("fetch called without the lock")
		return Session{}, nil
	})
	if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "refusing lock file") || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Fetch = %v, want a refusal of the lock file", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock's symlink target was created: %v", err)
	}
}
