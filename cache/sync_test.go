package cache

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

// TestDirectorySyncs checks when the cache directory is synced, which is
// what makes a rename survive a crash of the system: once after every
// Save, and once per outermost Fetch, after every save under it (nested
// Fetch calls and writes that join its Batch) is in place, before it
// returns, also when it fails after an inner save. Each sync is recorded
// with the session files in place at that moment.
func TestDirectorySyncs(t *testing.T) {
	now := time.Now()
	inner := func(s *Store) func(ctxT) (Session, error) {
		return func(ctx ctxT) (Session, error) {
			sess, _, err := s.Fetch(ctx, "inner", 0, false, func(ctxT) (Session, error) {
				return sample("inner", now, time.Hour), nil
			})
			return sess, err
		}
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s *Store) error
		want []string // per sync, the files in place
		err  bool
	}{
		{
			name: "Save",
			run:  func(t *testing.T, s *Store) error { return s.Save("one", sample("one", now, time.Hour)) },
			want: []string{"one.json"},
		},
		{
			name: "Fetch",
			run: func(t *testing.T, s *Store) error {
				_, _, err := s.Fetch(t.Context(), "one", 0, false, func(ctxT) (Session, error) { return sample("one", now, time.Hour), nil })
				return err
			},
			want: []string{"one.json"},
		},
		{
			name: "nested Fetch: one sync after both saves",
			run: func(t *testing.T, s *Store) error {
				_, _, err := s.Fetch(t.Context(), "outer", 0, false, func(ctx ctxT) (Session, error) {
					up, err := inner(s)(ctx)
					if err != nil {
						return Session{}, err
					}
					return sample("outer-"+up.Credentials.AccessKeyID, now, time.Hour), nil
				})
				return err
			},
			want: []string{"inner.json outer.json"},
		},
		{
			name: "nested Fetch failing after the inner save: the inner save is synced",
			run: func(t *testing.T, s *Store) error {
				_, _, err := s.Fetch(t.Context(), "outer", 0, false, func(ctx ctxT) (Session, error) {
					if _, err := inner(s)(ctx); err != nil {
						return Session{}, err
					}
					return Session{}, errors.New("AssumeRole failed")
				})
				return err
			},
			want: []string{"inner.json"},
			err:  true,
		},
		{
			name: "a write joining the Batch of Fetch",
			run: func(t *testing.T, s *Store) error {
				_, _, err := s.Fetch(t.Context(), "one", 0, false, func(ctx ctxT) (Session, error) {
					err := fsx.WriteFile(filepath.Join(s.Dir(), "two.json"), []byte("{}"), 0o600, fsx.Options{Batch: fsx.BatchFrom(ctx)})
					return sample("one", now, time.Hour), err
				})
				return err
			},
			want: []string{"one.json two.json"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			var got []string
			s.syncDir = func(dir string) {
				if filepath.Clean(dir) != s.Dir() {
					t.Errorf("synced %s, want the cache directory %s", dir, s.Dir())
				}
				m, _ := filepath.Glob(filepath.Join(s.Dir(), "*.json"))
				for i := range m {
					m[i] = filepath.Base(m[i])
				}
				got = append(got, strings.Join(m, " "))
			}
			err := tc.run(t, s)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want an error: %v", err, tc.err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("directory synced with %q in place, want %q", got, tc.want)
			}
			if _, err := os.Stat(filepath.Join(s.Dir(), "outer.json")); tc.err && err == nil {
				t.Error("the failed outer Fetch saved a session")
			}
		})
	}
}
