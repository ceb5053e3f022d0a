// Package backend is the side of internal/keystore that uses the keyring
// library (github.com/99designs/keyring). Only the awsmfa-keyring helper
// links it: the library connects to the D-Bus session bus in its package
// init, which no awsmfa start should pay for.
package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/99designs/keyring"

	"github.com/awsmfa/awsmfa/internal/keystore"
	"golang.org/x/term"
)

// service names awsmfa's items in every backend.
const service = "awsmfa"

// Serve answers one request read from in with one response on out, and
// returns the exit status. It runs in the helper process only.
func Serve(in io.Reader, out io.Writer, getenv func(string) string) int {
	var req keystore.Request
	dec := json.NewDecoder(io.LimitReader(in, 1<<16))
	if err := dec.Decode(&req); err != nil {
		json.NewEncoder(out).Encode(keystore.Response{Kind: keystore.Failed, Msg: "bad request: " + err.Error()})
		return 2
	}
	resp := serve(req, getenv)
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		return 1
	}
	if resp.Kind != "" {
		return 1
	}
	return 0
}

func serve(req keystore.Request, getenv func(string) string) keystore.Response {
	if err := keystore.CheckBackend(req.Backend); err != nil {
		return keystore.Response{Kind: keystore.Failed, Msg: err.Error()}
	}
	h := &helper{getenv: getenv}
	kr, backend, err := h.open(keystore.Choose(func(string) string { return "" }, req.Backend))
	if err != nil {
		return fail(backend, err, h)
	}
	switch req.Op {
	case "get":
		item, err := kr.Get(req.Key)
		if err != nil {
			return fail(backend, err, h)
		}
		return keystore.Response{Backend: backend, Secret: string(item.Data)}
	case "set":
		if backend == string(keyring.FileBackend) {
			if err := h.checkPassphrase(kr); err != nil {
				return fail(backend, err, h)
			}
		}
		err := kr.Set(keyring.Item{
			Key:         req.Key,
			Data:        []byte(req.Secret),
			Label:       "awsmfa: AWS secret access key for " + req.Key,
			Description: "AWS secret access key",
		})
		if err != nil {
			return fail(backend, err, h)
		}
		return keystore.Response{Backend: backend}
	case "remove":
		if _, err := kr.Get(req.Key); err != nil {
			return fail(backend, err, h)
		}
		if err := kr.Remove(req.Key); err != nil {
			return fail(backend, err, h)
		}
		return keystore.Response{Backend: backend}
	}
	return keystore.Response{Kind: keystore.Failed, Msg: "unknown request " + req.Op}
}

type helper struct {
	getenv func(string) string
	// asked is set when the passphrase was typed or taken from the
	// variable, so a decryption failure means a wrong passphrase.
	asked bool
}

// errNoPassphrase is the file backend's passphrase function failing.
type errNoPassphrase struct{ msg string }

func (e *errNoPassphrase) Error() string { return e.msg }

func (h *helper) fileDir() string {
	if d := h.getenv(keystore.EnvFileDir); d != "" {
		return d
	}
	if d := h.getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "awsmfa", "keyring")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "awsmfa", "keyring")
}

func (h *helper) config(backend keyring.BackendType) keyring.Config {
	name := service
	if backend == keyring.KWalletBackend {
		// KWallet takes the service name for the wallet's: use the
		// wallet the desktop opens at log-in, with a folder of our own.
		name = "kdewallet"
	}
	return keyring.Config{
		AllowedBackends:          []keyring.BackendType{backend},
		ServiceName:              name,
		KeychainName:             "login",
		KeychainTrustApplication: true,
		FileDir:                  h.fileDir(),
		FilePasswordFunc:         h.passphrase,
		KeyCtlScope:              "user",
		KWalletAppID:             service,
		KWalletFolder:            service,
		// The collection every Secret Service provider unlocks at log-in;
		// creating one of our own would ask the user for a new password.
		LibSecretCollectionName: "login",
		PassPrefix:              service,
		WinCredPrefix:           service,
	}
}

// passphrase is the file backend's: the variable, else the terminal.
func (h *helper) passphrase(prompt string) (string, error) {
	if p := h.getenv(keystore.EnvPassphrase); p != "" {
		h.asked = true
		return p, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", &errNoPassphrase{msg: "the encrypted file keyring needs its passphrase and there is no terminal to ask on; set " + keystore.EnvPassphrase}
	}
	defer tty.Close()
	fmt.Fprintf(tty, "awsmfa: %s: ", strings.TrimPrefix(prompt, "Enter "))
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", &errNoPassphrase{msg: "cannot read the encrypted file keyring's passphrase on the terminal: " + err.Error()}
	}
	if len(b) == 0 {
		return "", &errNoPassphrase{msg: "no passphrase given for the encrypted file keyring"}
	}
	h.asked = true
	return string(b), nil
}

// checkPassphrase decrypts one existing item before a new one is written,
// so a mistyped passphrase is refused instead of starting a second,
// differently encrypted set of items.
func (h *helper) checkPassphrase(kr keyring.Keyring) error {
	keys, err := kr.Keys()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if strings.HasPrefix(k, ".") {
			continue
		}
		_, err := kr.Get(k)
		return err
	}
	return nil
}

// autoOrder is the automatic choice, best first. The kernel keyring is
// left out (it forgets everything at reboot), and pass only counts once
// its store is set up.
func autoOrder() []keyring.BackendType {
	switch runtime.GOOS {
	case "darwin":
		return []keyring.BackendType{keyring.KeychainBackend, keyring.PassBackend, keyring.FileBackend}
	case "windows":
		return []keyring.BackendType{keyring.WinCredBackend, keyring.FileBackend}
	}
	return []keyring.BackendType{keyring.SecretServiceBackend, keyring.KWalletBackend, keyring.PassBackend, keyring.FileBackend}
}

func (h *helper) passReady() bool {
	dir := h.getenv("PASSWORD_STORE_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".password-store")
	}
	_, err := os.Stat(filepath.Join(dir, ".gpg-id"))
	return err == nil
}

func (h *helper) open(name string) (keyring.Keyring, string, error) {
	if name != keystore.Auto {
		kr, err := keyring.Open(h.config(keyring.BackendType(name)))
		return kr, name, err
	}
	for _, b := range autoOrder() {
		if b == keyring.PassBackend && !h.passReady() {
			continue
		}
		if kr, err := keyring.Open(h.config(b)); err == nil {
			return kr, string(b), nil
		}
	}
	return nil, "", keyring.ErrNoAvailImpl
}

// fail turns a library error into a response whose message says what to
// do. Library errors carry no secrets; they are passed on shortened.
func fail(backend string, err error, h *helper) keystore.Response {
	r := keystore.Response{Backend: backend, Kind: keystore.Failed}
	var np *errNoPassphrase
	msg := err.Error()
	switch {
	case errors.Is(err, keyring.ErrKeyNotFound):
		r.Kind, r.Msg = keystore.NotFound, "no such item"
	case errors.Is(err, keyring.ErrNoAvailImpl):
		r.Kind = keystore.Unavailable
		if backend == "" {
			r.Msg = "no keyring backend is available here"
		} else {
			r.Msg = "this backend is not available here" + unavailableHint(backend)
		}
	case errors.As(err, new(*json.SyntaxError)) || errors.As(err, new(*json.UnmarshalTypeError)):
		// Its message could quote a character of what the item holds.
		r.Msg = "the keyring item for this key is not in awsmfa's format (written by another program?); remove it and run awsmfa keyring import or setup --keyring again"
	case errors.As(err, &np):
		r.Kind, r.Msg = keystore.Passphrase, np.msg
	case backend == string(keyring.FileBackend) && h.asked:
		r.Kind, r.Msg = keystore.Passphrase, "cannot decrypt the encrypted file keyring in "+h.fileDir()+": wrong passphrase?"
	case backend == string(keyring.PassBackend) && errors.As(err, new(*exec.ExitError)):
		r.Msg = "pass failed (" + oneLine(msg) + "): is the GPG key of the password store there and unlocked? pass said why above"
	case strings.Contains(msg, "IsLocked") || strings.Contains(msg, "locked") || strings.Contains(msg, "dismissed"):
		r.Kind, r.Msg = keystore.Locked, "the keyring is locked and was not unlocked: unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and try again"
	case strings.Contains(msg, "ServiceUnknown") || strings.Contains(msg, "was not provided by any .service files"):
		r.Kind, r.Msg = keystore.Unavailable, "no Secret Service is running on the session bus"+unavailableHint(backend)
	default:
		r.Msg = oneLine(msg)
	}
	return r
}

func unavailableHint(backend string) string {
	switch backend {
	case "keychain":
		return " (the macOS Keychain needs a build with cgo; set " + keystore.EnvBackend + "=file or pass)"
	case "secret-service", "kwallet":
		return " (no D-Bus session bus, or no provider on it; set " + keystore.EnvBackend + "=file or pass on a headless machine)"
	case "pass":
		return " (install pass and run pass init GPG-ID)"
	}
	return ""
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", "; ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
