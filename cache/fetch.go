package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/awsmfa/awsmfa/internal/fsx"
)

// Fetch returns a usable session for key, calling fetch at most once across
// every goroutine and process sharing the directory:
//
//  1. Unless force is set, a session from Load that is Usable with margin
//     is returned at once (cached is true).
//  2. Otherwise Fetch takes an exclusive lock on "KEY.lock", polling until
//     it is free or ctx is done, and loads the session again: another
//     process may have refreshed it while this one waited. A session that
//     is usable (without force), or that was issued after this call began
//     waiting and has not expired (with or without force), is returned
//     with cached true. When the lock file cannot be made because nothing
//     can be written in the directory (a read-only file system, or no
//     write permission), there is nothing to serialise: fetch is called
//     without the lock and its session returned with ErrNotSaved.
//  3. Otherwise fetch is called with ctx, the new session is saved and
//     returned with cached false, and the lock is released. The save is
//     durable when the outermost of nested Fetch calls returns: ctx carries
//     an fsx.Batch that their saves share (see the package comment).
//
// A new session whose Issued is zero is stamped with the Store's clock.
// Errors from fetch are returned as they are. An unsafe cache file is an
// error (ErrUnsafe); a corrupt one is fetched again and overwritten. When
// fetch succeeds but the session cannot be saved, Fetch returns the new
// session together with an error matching ErrNotSaved.
func (s *Store) Fetch(ctx context.Context, key string, margin time.Duration, force bool, fetch func(context.Context) (Session, error)) (sess Session, cached bool, err error) {
	if err := checkKey(key); err != nil {
		return Session{}, false, err
	}
	if fetch == nil {
		fetch = func(context.Context) (Session, error) {
			return Session{}, errors.New("no cached session, and no way to fetch one")
		}
	}
	if !force {
		sess, err := s.Load(key)
		if err == nil && sess.Usable(s.now(), margin) {
			return sess, true, nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Session{}, false, err
		}
	}

	waitStart := s.now()
	ctx, unlock, readOnly, err := LockOrSkip(ctx, s.lockPath(key), Skip{})
	switch {
	case err != nil:
		return Session{}, false, err
	case readOnly != nil:
		// Nothing can be written here, so there is nothing to serialise:
		// fetch without the lock and hand the session out unsaved.
		return s.fetchUnsaved(ctx, fetch, readOnly)
	}
	defer unlock()
	ctx, commit := s.batch(ctx)
	defer commit()

	switch sess, err := s.Load(key); {
	case err == nil:
		now := s.now()
		fresh := !sess.Issued.Before(waitStart) && now.Before(sess.Credentials.Expiration)
		if fresh || !force && sess.Usable(now, margin) {
			return sess, true, nil
		}
	case !errors.Is(err, ErrNotFound):
		return Session{}, false, err
	}

	sess, err = s.fetchNew(ctx, fetch)
	if err != nil {
		return Session{}, false, err
	}
	if err := s.save(key, sess, fsx.BatchFrom(ctx)); err != nil {
		return sess, false, &notSavedError{err: err}
	}
	return sess, false, nil
}

// batch returns ctx carrying the fsx.Batch that the saves under it join,
// and the function that syncs it. A Fetch inside another (a role session
// fetched with an MFA session) joins the outer one's Batch, and its sync
// is left to the outer Fetch: the renames of both are made durable by one
// directory sync when the outermost Fetch returns.
func (s *Store) batch(ctx context.Context) (context.Context, func()) {
	if fsx.BatchFrom(ctx) != nil {
		return ctx, func() {}
	}
	b := &fsx.Batch{SyncDir: s.syncDir}
	return fsx.WithBatch(ctx, b), b.Sync
}

// fetchNew calls fetch and stamps the new session's times as Save keeps
// them.
func (s *Store) fetchNew(ctx context.Context, fetch func(context.Context) (Session, error)) (Session, error) {
	sess, err := fetch(ctx)
	if err != nil {
		return Session{}, err
	}
	if sess.Issued.IsZero() {
		sess.Issued = s.now()
	}
	sess.Issued = sess.Issued.UTC()
	sess.Credentials.Expiration = sess.Credentials.Expiration.UTC()
	return sess, nil
}

// fetchUnsaved is Fetch in a directory where nothing can be written: it
// fetches and returns the new session with an error matching ErrNotSaved
// that says why it was not kept.
func (s *Store) fetchUnsaved(ctx context.Context, fetch func(context.Context) (Session, error), why error) (Session, bool, error) {
	sess, err := s.fetchNew(ctx, fetch)
	if err != nil {
		return Session{}, false, err
	}
	return sess, false, &notSavedError{err: fmt.Errorf("cannot save session in %s: %w", s.dir, why)}
}

// lock takes the exclusive lock for key (see LockFile), polling until ctx
// is done. The context it returns carries the lock, for Asking.
func (s *Store) lock(ctx context.Context, key string) (context.Context, func(), error) {
	return LockFile(ctx, s.lockPath(key))
}

// lockPath is the lock file of key.
func (s *Store) lockPath(key string) string {
	return s.dir + string(os.PathSeparator) + key + ".lock"
}

// openError turns a failed open of cache file p into ErrNotFound (absent),
// a refusal (not a regular file) or a plain error.
func (s *Store) openError(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	if fi, lerr := os.Lstat(p); lerr == nil && !fi.Mode().IsRegular() {
		return fsx.Refuse("refusing cache file %s: it is %s, not a regular file; remove it", p, fsx.Describe(fi.Mode()))
	}
	return fmt.Errorf("cannot read cache file %s: %v", p, fsx.Unwrap(err))
}

// notSavedError wraps why a fetched session was not saved; it matches
// ErrNotSaved and the underlying error.
type notSavedError struct{ err error }

func (e *notSavedError) Error() string {
	return "got a new session but could not cache it: " + e.err.Error()
}
func (e *notSavedError) Unwrap() error        { return e.err }
func (e *notSavedError) Is(target error) bool { return target == ErrNotSaved }
