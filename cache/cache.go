// Package cache keeps AWS sessions on disk so that one MFA code serves many
// shells and commands.
//
// A Store is one private directory (mode 0700, owned by the user) holding
// one JSON file per session (mode 0600), named by a Key: the hex SHA-256 of
// everything that makes the session unique. The package knows nothing of
// profiles or STS; callers decide what goes into a key and how a session is
// fetched.
//
// Guarantees:
//
//   - Writes are atomic: a temporary file in the same directory is written,
//     synced and renamed over the old one, so a crash or a full disk never
//     leaves half a file and never loses the previous session; the
//     temporary files a killed writer left are removed by the next save
//     (internal/fsx).
//   - Writes are durable when Save returns, and when the outermost of
//     nested Fetch calls returns: the directory is synced after the
//     rename. The saves of nested Fetch calls (a role session fetched with
//     an MFA session fetched inside it), and any other write that joins
//     the Batch the context of Fetch carries (fsx.BatchFrom), share one
//     directory sync, made before the outermost Fetch returns, even when
//     it fails.
//   - Fetch is single-flight across goroutines and processes: an exclusive
//     lock on "KEY.lock" (LockFile, on an fsx.Lock) is taken and the cache is
//     read again before fetching, so N callers that need the same session
//     at once make one fetch (one STS call, one MFA code).
//   - A cache file that is not a regular file owned by the user without
//     group or other permission bits is refused with an error that says why
//     and what to do (ErrUnsafe); a corrupt file is a miss (ErrNotFound) and
//     is overwritten by the next Fetch.
//   - Times are stored and compared as UTC instants, never as strings.
//
// On Unix a file is opened with O_NOFOLLOW and checked with fstat on the
// open descriptor, so there is no window between check and use. On Windows
// ownership and permission bits are not checked (Windows has ACLs, not
// modes; the per-user cache directory under %LOCALAPPDATA% is private by
// default) and symbolic links are refused by an Lstat before opening.
package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/fsx"
)

// fileVersion is the "Version" every cache file carries; a file with any
// other version is a miss.
const fileVersion = 1

// maxFileSize bounds what Load reads: a real session file is about 1.5 KiB,
// so anything past this is corrupt and treated as a miss.
const maxFileSize = 64 << 10

// lockPoll is how often Fetch retries a lock held by someone else.
const lockPoll = 10 * time.Millisecond

// ErrNotFound reports that no usable file exists for a key: it is absent or
// corrupt. Test for it with errors.Is.
var ErrNotFound = errors.New("no cached session")

// ErrUnsafe reports a cache file or directory that awsmfa refuses to use
// because of its type, owner or permissions. The error's text says which
// and what to do. Test for it with errors.Is. It is fsx.ErrUnsafe, which
// a refused lock file matches too.
var ErrUnsafe = fsx.ErrUnsafe

// ErrNotSaved reports that Fetch got a new session but could not write it
// to the cache. The session Fetch returns alongside it is valid; the error
// says why it was not kept. Test for it with errors.Is.
var ErrNotSaved = errors.New("session not saved")

// Store keeps sessions as JSON files, one per key, in one private directory.
// It is safe for concurrent use by goroutines and by processes.
type Store struct {
	dir string
	now func() time.Time
	uid int // effective uid that must own every file; -1 where unknown (Windows)

	// beforeRename, when set (only by tests), runs after the temporary
	// file is written and synced and before it is renamed into place; an
	// error from it aborts the save as a failing rename would.
	beforeRename func(tmp string) error

	// syncDir, when set (only by tests), is called instead of syncing the
	// directory after a Save or the saves of a Fetch.
	syncDir func(dir string)
}

// Option configures a Store.
type Option func(*Store)

// WithClock makes the Store read the time from now instead of time.Now. It
// is used for Issued stamps and for deciding whether a session is usable.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open returns a Store over dir, creating it (and its parents) with mode
// 0700 when missing. It refuses a directory that is not owned by the
// current user or that has any group or other permission bit.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("no cache directory given: set XDG_CACHE_HOME or HOME")
	}
	dir = filepath.Clean(dir)
	s := &Store{dir: dir, now: time.Now, uid: os.Geteuid()}
	for _, o := range opts {
		o(s)
	}
	fi, err := os.Stat(dir) // one stat on the usual path: the directory exists
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create cache directory %s: %v", dir, fsx.Unwrap(err))
		}
		fi, err = os.Stat(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot use cache directory %s: %v", dir, fsx.Unwrap(err))
	}
	if !fi.IsDir() {
		return nil, fsx.Refuse("refusing cache directory %s: it is %s, not a directory; remove it", dir, fsx.Describe(fi.Mode()))
	}
	if err := s.checkPrivate("cache directory", dir, fi.Mode(), fsx.Owner(fi), "700"); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir is the directory the Store keeps its files in.
func (s *Store) Dir() string { return s.dir }

// Session is one set of temporary credentials as the cache keeps it.
type Session struct {
	Credentials creds.Credentials
	Issued      time.Time // when the session was fetched, UTC
	Label       string    // what it is, for `awsmfa list` (e.g. "mfa arn:aws:iam::1:mfa/me")
}

// RefreshAt is the instant from which s should be refreshed when callers
// want at least margin left. It is Expiration minus margin, except that the
// margin is capped at half the session's lifetime (Expiration − Issued) so
// that a margin longer than the session never makes every use a refresh: a
// 15-minute session with a 10-minute margin is reused for 7½ minutes. A
// negative margin counts as zero. RefreshAt is the zero time when the
// expiry is unknown.
func (s Session) RefreshAt(margin time.Duration) time.Time {
	exp := s.Credentials.Expiration
	if exp.IsZero() {
		return time.Time{}
	}
	if margin < 0 {
		margin = 0
	}
	if !s.Issued.IsZero() && s.Issued.Before(exp) {
		if half := exp.Sub(s.Issued) / 2; margin > half {
			margin = half
		}
	}
	return exp.Add(-margin)
}

// Usable reports whether s may be handed out at now: its expiry is known
// and now is before RefreshAt(margin), i.e. more than margin is left (with
// the margin capped as RefreshAt describes). A session with a zero or
// unknown expiry is never usable; Save refuses to store one, so it cannot
// cause a refresh on every use.
func (s Session) Usable(now time.Time, margin time.Duration) bool {
	at := s.RefreshAt(margin)
	return !at.IsZero() && now.Before(at)
}

// Key returns the cache key for fields: the hex SHA-256 of the fields, each
// prefixed by its length, so no two different field lists share a key
// (Key("ab", "c") != Key("a", "bc"), Key("a") != Key("a", "")).
func Key(fields ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// file is the on-disk form of a Session.
type file struct {
	Version         int
	AccessKeyId     string // spelled as in credential_process output
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time // RFC 3339, UTC
	Issued          time.Time // RFC 3339, UTC
	Label           string
}

// Load returns the session stored under key. It returns an error matching
// ErrNotFound when there is no file or the file is corrupt (a corrupt file
// is later overwritten by Fetch), and one matching ErrUnsafe when the file
// is not a regular file, belongs to someone else, or has group or other
// permission bits.
func (s *Store) Load(key string) (Session, error) {
	if err := checkKey(key); err != nil {
		return Session{}, err
	}
	p := s.path(key)
	data, err := s.readPrivate(p)
	if err != nil {
		return Session{}, err
	}
	return decode(p, data)
}

// decode parses a cache file's bytes; every defect is a corrupt file.
func decode(p string, data []byte) (Session, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return Session{}, &corruptError{path: p, reason: "not valid JSON"}
	}
	if f.Version != fileVersion {
		return Session{}, &corruptError{path: p, reason: fmt.Sprintf("version %d, want %d", f.Version, fileVersion)}
	}
	sess := Session{
		Credentials: creds.Credentials{
			AccessKeyID:     f.AccessKeyId,
			SecretAccessKey: f.SecretAccessKey,
			SessionToken:    f.SessionToken,
			Expiration:      f.Expiration.UTC(),
		},
		Issued: f.Issued.UTC(),
		Label:  f.Label,
	}
	if field, _ := missing(sess); field != "" {
		return Session{}, &corruptError{path: p, reason: "no " + field}
	}
	return sess, nil
}

// Save stores sess under key atomically: a temporary file created 0600 in
// the Store's directory is written, synced and renamed over the old file,
// and the directory is synced. On any failure the previous file is left as
// it was and the temporary file is removed; stale temporary files of
// killed writers in the directory are removed too. Save refuses a session without
// an access key, secret, session token or expiry, and refuses to replace a
// file Load would refuse.
func (s *Store) Save(key string, sess Session) error {
	b := &fsx.Batch{SyncDir: s.syncDir}
	defer b.Sync()
	return s.save(key, sess, b)
}

// save is Save, leaving the directory sync to batch.
func (s *Store) save(key string, sess Session, batch *fsx.Batch) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := complete(sess); err != nil {
		return err
	}
	c := sess.Credentials
	data, err := json.Marshal(file{
		Version:         fileVersion,
		AccessKeyId:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expiration.UTC(),
		Issued:          sess.Issued.UTC(),
		Label:           sess.Label,
	})
	if err != nil { // cannot happen for these field types
		return fmt.Errorf("cannot encode session: %v", err)
	}
	p := s.path(key)
	if fi, err := os.Lstat(p); err == nil {
		if err := s.checkFile(p, fi.Mode(), fsx.Owner(fi)); err != nil {
			return err
		}
	}
	err = fsx.WriteFile(p, data, 0o600, fsx.Options{LegacyTemp: legacyTemp, BeforeRename: s.beforeRename, Batch: batch})
	if err != nil {
		return fmt.Errorf("cannot save session in %s: %v; check that the directory is writable and the disk is not full", s.dir, fsx.Unwrap(err))
	}
	return nil
}

// legacyTemp recognises the temporary files earlier versions left:
// "KEY.RANDOM.tmp".
func legacyTemp(name string) bool {
	key, _, ok := strings.Cut(name, ".")
	return ok && strings.HasSuffix(name, ".tmp") && checkKey(key) == nil
}

// complete reports what keeps sess from being cached.
func complete(sess Session) error {
	if _, what := missing(sess); what != "" {
		return fmt.Errorf("cannot cache a session without %s", what)
	}
	return nil
}

// missing names the first thing a cache file needs that sess lacks: its
// field in the file, and in words; "" when it lacks nothing.
func missing(sess Session) (field, words string) {
	c := sess.Credentials
	switch {
	case c.AccessKeyID == "":
		return "AccessKeyId", "an access key id"
	case c.SecretAccessKey == "":
		return "SecretAccessKey", "a secret access key"
	case c.SessionToken == "":
		return "SessionToken", "a session token"
	case c.Expiration.IsZero():
		return "Expiration", "an expiry"
	case sess.Issued.IsZero():
		return "Issued", "an issue time"
	}
	return "", ""
}

// Delete removes the session stored under key, and any temporary file a
// crashed Save left for it (those hold secrets too). Removing a key that
// has no file is not an error. The key's lock file is kept: removing it
// could let two processes hold "the" lock at once.
func (s *Store) Delete(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	// checkKey leaves no glob metacharacters in key.
	legacy, _ := filepath.Glob(filepath.Join(s.dir, key+".*.tmp"))
	p := s.path(key)
	for _, p := range append(append([]string{p}, fsx.Temps(p)...), legacy...) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot remove cached session %s: %v", p, fsx.Unwrap(err))
		}
	}
	return nil
}

// Entry is one file found by List.
type Entry struct {
	Key     string
	Session Session // zero when Err is set
	Err     error   // why the file could not be used (corrupt: ErrNotFound; unsafe: ErrUnsafe)
}

// List returns every session file in the Store, sorted by key, including
// corrupt and unsafe ones (with Err set). Lock and temporary files are
// skipped.
func (s *Store) List() ([]Entry, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list cache directory %s: %v", s.dir, fsx.Unwrap(err))
	}
	var out []Entry
	for _, de := range des {
		key, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || checkKey(key) != nil {
			continue
		}
		sess, err := s.Load(key)
		if err == ErrNotFound { // removed since ReadDir
			continue
		}
		out = append(out, Entry{Key: key, Session: sess, Err: err})
	}
	return out, nil
}

func (s *Store) path(key string) string { return s.dir + string(filepath.Separator) + key + ".json" }

// checkKey accepts what Key makes and other plain names; anything that
// could reach outside the directory or collide with lock or temporary
// files is refused.
func checkKey(key string) error {
	if key == "" || len(key) > 128 {
		return fmt.Errorf("invalid cache key %q: make keys with cache.Key", key)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return fmt.Errorf("invalid cache key %q: make keys with cache.Key", key)
		}
	}
	return nil
}

// checkFile refuses anything but a private regular file owned by the user.
func (s *Store) checkFile(p string, mode fs.FileMode, uid int) error {
	if !mode.IsRegular() {
		return fsx.Refuse("refusing cache file %s: it is %s, not a regular file; remove it", p, fsx.Describe(mode))
	}
	return s.checkPrivate("cache file", p, mode, uid, "600")
}

// checkPrivate refuses a file or directory owned by another user or open
// to group or others. uid < 0 means the owner is unknown (Windows).
func (s *Store) checkPrivate(what, p string, mode fs.FileMode, uid int, chmod string) error {
	if uid >= 0 && s.uid >= 0 && uid != s.uid {
		return fsx.Refuse("refusing %s %s: it belongs to uid %d, not to you (uid %d); remove it", what, p, uid, s.uid)
	}
	if !fsx.ModesMatter {
		return nil
	}
	if perm := mode.Perm(); perm&0o077 != 0 {
		return fsx.Refuse("refusing %s %s: mode %04o %s; remove it or run chmod %s %s", what, p, perm, fsx.Exposure(perm), chmod, p)
	}
	return nil
}

// corruptError is a file that cannot be decoded; it matches ErrNotFound.
type corruptError struct{ path, reason string }

func (e *corruptError) Error() string {
	return fmt.Sprintf("cache file %s is corrupt (%s); it will be replaced at the next refresh", e.path, e.reason)
}
func (e *corruptError) Is(target error) bool { return target == ErrNotFound }
