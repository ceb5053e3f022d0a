// Package keystore keeps long-term secret access keys in the system
// keyring instead of the credentials file, through
// github.com/99designs/keyring: the macOS Keychain (cgo builds only),
// Windows Credential Manager, the Secret Service (GNOME Keyring, KeePassXC),
// KWallet, the kernel keyring, pass, and an encrypted file.
//
// The library is linked only into awsmfa-keyring (cmd/awsmfa-keyring,
// package backend), a helper that awsmfa starts when it must read or write
// the keyring; it answers one Request on its stdin with one Response. The
// library's package init connects to the D-Bus session bus, so awsmfa
// itself, whose cache-hit start-up is its most frequent path, does not
// link it.
//
// What is stored: one item per access key ID, in the service "awsmfa",
// holding the secret access key only. The access key ID stays in the
// credentials file, beside `awsmfa_keyring = BACKEND`.
package keystore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Settings read from the environment.
const (
	// EnvBackend picks the backend, overriding the profile's
	// awsmfa_keyring value and the automatic choice.
	EnvBackend = "AWSMFA_KEYRING_BACKEND"
	// EnvPassphrase holds the encrypted file backend's passphrase, for
	// robots; without it the passphrase is asked on the terminal.
	EnvPassphrase = "AWSMFA_FILE_PASSPHRASE"
	// EnvFileDir is where the encrypted file backend keeps its files;
	// default $XDG_DATA_HOME/awsmfa/keyring.
	EnvFileDir = "AWSMFA_KEYRING_FILE_DIR"
)

// Auto is the backend value that lets awsmfa choose.
const Auto = "auto"

// Backends are the backend names accepted in AWSMFA_KEYRING_BACKEND and
// awsmfa_keyring, as the library names them.
var Backends = []string{"keychain", "wincred", "secret-service", "kwallet", "keyctl", "pass", "file"}

// Kind says what went wrong, so that the caller can word its message.
type Kind string

// The kinds of Error.
const (
	NotFound    Kind = "not-found"   // no item for this access key ID
	Unavailable Kind = "unavailable" // the backend is not there (no bus, no pass, no build support)
	Locked      Kind = "locked"      // the keyring is locked or refused to unlock
	Passphrase  Kind = "passphrase"  // the file backend's passphrase is wrong or could not be asked
	Failed      Kind = "failed"      // anything else
)

// Error is a keyring failure. Its message never holds a secret.
type Error struct {
	Kind    Kind
	Backend string // the backend tried, "" when none could be chosen
	Msg     string
}

// Error reads "keyring (BACKEND): what went wrong".
func (e *Error) Error() string {
	if e.Backend == "" {
		return "keyring: " + e.Msg
	}
	return "keyring (" + e.Backend + "): " + e.Msg
}

// IsNotFound reports whether err says the keyring has no such item.
func IsNotFound(err error) bool {
	var ke *Error
	return errors.As(err, &ke) && ke.Kind == NotFound
}

// CheckBackend returns an error for a backend name awsmfa does not know.
// "" and "auto" (any case), and "true" (an older spelling), mean automatic.
func CheckBackend(name string) error {
	if normalize(name) == Auto {
		return nil
	}
	for _, b := range Backends {
		if name == b {
			return nil
		}
	}
	return fmt.Errorf("unknown keyring backend %q: use auto or one of %s", name, strings.Join(Backends, ", "))
}

func normalize(name string) string {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", Auto, "true", "yes", "1":
		return Auto
	}
	return strings.TrimSpace(name)
}

// Choose is the backend to use: AWSMFA_KEYRING_BACKEND when set, else
// the profile's value, else automatic.
func Choose(getenv func(string) string, profileValue string) string {
	if v := getenv(EnvBackend); v != "" {
		return normalize(v)
	}
	return normalize(profileValue)
}

// HelperName is the helper's program name, installed beside awsmfa.
const HelperName = "awsmfa-keyring"

// Client talks to the keyring through the awsmfa-keyring helper.
type Client struct {
	// Executable is the running awsmfa binary; the helper is looked for
	// beside it (also beside the file a link points to), then in PATH.
	Executable string
	// Environ is the child's environment; nil means os.Environ.
	Environ func() []string
	// Timeout bounds one request (a keyring that asks a person to unlock
	// it waits at most this long); 0 means 2 minutes.
	Timeout time.Duration
}

// Request is what awsmfa asks the helper, as one JSON object on its
// stdin.
type Request struct {
	Op      string `json:"op"` // get, set, remove
	Backend string `json:"backend"`
	Key     string `json:"key"`
	Secret  string `json:"secret,omitempty"`
}

// Response is the helper's answer, as one JSON object on its stdout. Kind
// is empty on success.
type Response struct {
	Backend string `json:"backend"`
	Secret  string `json:"secret,omitempty"`
	Kind    Kind   `json:"kind,omitempty"`
	Msg     string `json:"msg,omitempty"`
}

// Get returns the secret access key stored for keyID, and the backend that
// held it.
func (c *Client) Get(ctx context.Context, backend, keyID string) (secret, used string, err error) {
	r, err := c.call(ctx, Request{Op: "get", Backend: backend, Key: keyID})
	return r.Secret, r.Backend, err
}

// Set stores secret for keyID and returns the backend it went into (the
// chosen one when backend is "auto").
func (c *Client) Set(ctx context.Context, backend, keyID, secret string) (used string, err error) {
	r, err := c.call(ctx, Request{Op: "set", Backend: backend, Key: keyID, Secret: secret})
	return r.Backend, err
}

// Remove forgets the item for keyID; a missing item is a NotFound error.
func (c *Client) Remove(ctx context.Context, backend, keyID string) (used string, err error) {
	r, err := c.call(ctx, Request{Op: "remove", Backend: backend, Key: keyID})
	return r.Backend, err
}

func (c *Client) call(ctx context.Context, req Request) (Response, error) {
	exe, err := c.helper()
	if err != nil {
		return Response{}, err
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = os.Environ()
	if c.Environ != nil {
		cmd.Env = c.Environ()
	}
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout = &out
	// The helper's own stderr (gpg's, pass's) reaches the user; it never
	// holds the secret, which travels on the pipes only.
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	var resp Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		if ctx.Err() != nil {
			return Response{}, &Error{Kind: Locked, Backend: req.Backend,
				Msg: fmt.Sprintf("no answer within %v (is it waiting to be unlocked?)", timeout)}
		}
		return Response{}, &Error{Kind: Failed, Backend: req.Backend, Msg: fmt.Sprintf("the keyring helper failed (%v)", runErr)}
	}
	if resp.Kind != "" {
		return resp, &Error{Kind: resp.Kind, Backend: resp.Backend, Msg: resp.Msg}
	}
	return resp, nil
}

// helper finds awsmfa-keyring: beside awsmfa, beside the file awsmfa's
// path links to, then in PATH.
func (c *Client) helper() (string, error) {
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	exe := c.Executable
	if exe == "" {
		exe, _ = os.Executable()
	}
	var tried []string
	if exe != "" {
		dirs := []string{filepath.Dir(exe)}
		if real, err := filepath.EvalSymlinks(exe); err == nil && filepath.Dir(real) != dirs[0] {
			dirs = append(dirs, filepath.Dir(real))
		}
		for _, d := range dirs {
			p := filepath.Join(d, name)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p, nil
			}
			tried = append(tried, d)
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", &Error{Kind: Unavailable, Msg: fmt.Sprintf("%s, the helper awsmfa uses the keyring through, is neither beside awsmfa (%s) nor in PATH; install it: go install github.com/awsmfa/awsmfa/cmd/%s@latest (or make build)",
		HelperName, strings.Join(tried, ", "), HelperName)}
}
