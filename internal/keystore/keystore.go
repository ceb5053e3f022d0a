// Package keystore keeps long-term secret access keys in the system
// keyring instead of the credentials file, through
// github.com/99designs/keyring: the macOS Keychain (cgo builds only),
// Windows Credential Manager, the Secret Service (GNOME Keyring, KeePassXC),
// KWallet, the kernel keyring, pass, and an encrypted file.
//
// The library is only ever used in a child process (helper.go): awsmfa
// starts itself with dbusoff.HelperEnv set, and the child answers one
// request on its stdin. That keeps the library's package init (a D-Bus
// connection, see internal/dbusoff) off every other awsmfa start, and it
// lets the child see the session bus that the parent hid from the library.
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
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/dbusoff"
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

// ProfileKey is the key in [NAME-long-term] that says the secret access key
// is in the keyring: its value is a backend name, or "auto".
const ProfileKey = "awsmfa_keyring"

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

// Client talks to the keyring through a child awsmfa.
type Client struct {
	// Executable is the awsmfa binary to start; "" means os.Executable.
	Executable string
	// Environ is the child's environment; nil means os.Environ.
	Environ func() []string
	// Timeout bounds one request (a keyring that asks a person to unlock
	// it waits at most this long); 0 means 2 minutes.
	Timeout time.Duration
}

// request and response are the helper's protocol: one JSON object each
// way.
type request struct {
	Op      string `json:"op"` // get, set, remove
	Backend string `json:"backend"`
	Key     string `json:"key"`
	Secret  string `json:"secret,omitempty"`
}

type response struct {
	Backend string `json:"backend"`
	Secret  string `json:"secret,omitempty"`
	Kind    Kind   `json:"kind,omitempty"`
	Msg     string `json:"msg,omitempty"`
}

// Get returns the secret access key stored for keyID, and the backend that
// held it.
func (c *Client) Get(ctx context.Context, backend, keyID string) (secret, used string, err error) {
	r, err := c.call(ctx, request{Op: "get", Backend: backend, Key: keyID})
	return r.Secret, r.Backend, err
}

// Set stores secret for keyID and returns the backend it went into (the
// chosen one when backend is "auto").
func (c *Client) Set(ctx context.Context, backend, keyID, secret string) (used string, err error) {
	r, err := c.call(ctx, request{Op: "set", Backend: backend, Key: keyID, Secret: secret})
	return r.Backend, err
}

// Remove forgets the item for keyID; a missing item is a NotFound error.
func (c *Client) Remove(ctx context.Context, backend, keyID string) (used string, err error) {
	r, err := c.call(ctx, request{Op: "remove", Backend: backend, Key: keyID})
	return r.Backend, err
}

func (c *Client) call(ctx context.Context, req request) (response, error) {
	exe := c.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return response{}, &Error{Kind: Failed, Msg: "cannot find the awsmfa binary to start the keyring helper: " + err.Error()}
		}
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in, err := json.Marshal(req)
	if err != nil {
		return response{}, err
	}
	cmd := exec.CommandContext(ctx, exe, HelperArg)
	// The name it was installed under, whatever the link resolved to (a
	// multi-call binary picks its command by this name).
	cmd.Args[0] = "awsmfa"
	env := os.Environ()
	if c.Environ != nil {
		env = c.Environ()
	}
	cmd.Env = append(env, dbusoff.HelperEnv+"=1")
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout = &out
	// The helper's own stderr (gpg's, pass's) reaches the user; it never
	// holds the secret, which travels on the pipes only.
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	var resp response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		if ctx.Err() != nil {
			return response{}, &Error{Kind: Locked, Backend: req.Backend,
				Msg: fmt.Sprintf("no answer within %v (is it waiting to be unlocked?)", timeout)}
		}
		return response{}, &Error{Kind: Failed, Backend: req.Backend, Msg: fmt.Sprintf("the keyring helper failed (%v)", runErr)}
	}
	if resp.Kind != "" {
		return resp, &Error{Kind: resp.Kind, Backend: resp.Backend, Msg: resp.Msg}
	}
	return resp, nil
}
