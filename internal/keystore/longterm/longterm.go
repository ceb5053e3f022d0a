// Package longterm moves the secret access key of a long-term section of
// the credentials file ([NAME-long-term]) between the file and the system
// keyring, for `awsmfa keyring import` and `awsmfa keyring remove`, and
// words keyring failures for the person who has to act on them.
//
// It is apart from package keystore because it edits the credentials file:
// keystore is also linked into the awsmfa-keyring helper, which has no use
// for the file's parser.
package longterm

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/internal/keystore"
	"github.com/awsmfa/awsmfa/profile"
)

// Section locates a long-term section.
type Section struct {
	// Path is the credentials file; Display names it in messages
	// ("~/.aws/credentials").
	Path, Display string
	// Profile is the profile name, for the commands messages suggest.
	Profile string
	// Name is the section's name: the profile's, with the long-term
	// suffix.
	Name string
}

// Moved says what Import or Remove moved.
type Moved struct {
	// KeyID is the access key ID of the section, as first read.
	KeyID string
	// Backend is the keyring backend the secret went into or left.
	Backend string
}

// Import moves the secret access key of s into the keyring through c, with
// backend (see keystore.Choose): the keyring gets the secret, then the
// file loses its aws_secret_access_key line and gets awsmfa_keyring =
// the backend used. The section is checked before the keyring is asked
// anything, and again under the file's lock; a section that changed in
// between is refused.
func Import(ctx context.Context, c *keystore.Client, s Section, backend string) (Moved, error) {
	var used string
	before, err := edit(ctx, s, "import", func(keyState) error { return nil },
		func(f *awsini.File, before, now keyState) (err error) {
			if now.keyID != before.keyID || now.secret != before.secret {
				return fmt.Errorf("[%s] in %s changed while awsmfa read it; run the command again", s.Name, s.Display)
			}
			if used, err = c.Set(ctx, backend, now.keyID, now.secret); err != nil {
				return Explain(err, s.Name, now.keyID, s.Profile)
			}
			if err := f.Unset(s.Name, "aws_secret_access_key"); err != nil {
				return err
			}
			return f.Set(s.Name, awsini.KV{Key: profile.KeyringKey, Value: used})
		})
	return Moved{KeyID: before.keyID, Backend: used}, err
}

// Remove forgets the secret access key of s in the keyring through c, and
// the section's awsmfa_keyring line. The backend is keystore.Choose's,
// from getenv and the section's own setting. A keyring with no such item
// changes nothing.
func Remove(ctx context.Context, c *keystore.Client, s Section, getenv func(string) string) (Moved, error) {
	var backend, used string
	before, err := edit(ctx, s, "remove", func(before keyState) error {
		backend = keystore.Choose(getenv, before.backend)
		if err := keystore.CheckBackend(backend); err != nil {
			return fmt.Errorf("[%s] in %s: %v", s.Name, s.Display, err)
		}
		return nil
	}, func(f *awsini.File, _, now keyState) (err error) {
		if used, err = c.Remove(ctx, backend, now.keyID); err != nil {
			if keystore.IsNotFound(err) {
				return fmt.Errorf("%v has no secret access key for %s of [%s]; nothing was changed (to drop the setting anyway, delete the %s line of [%s] in %s)",
					keyringName(err), now.keyID, s.Name, profile.KeyringKey, s.Name, s.Display)
			}
			return Explain(err, s.Name, now.keyID, s.Profile)
		}
		return f.Unset(s.Name, profile.KeyringKey)
	})
	return Moved{KeyID: before.keyID, Backend: used}, err
}

// Explain says what a keyring failure was, for which key of which section,
// and what to do, on one line; it never holds the secret. Errors other
// than a *keystore.Error are returned as they are.
func Explain(err error, section, keyID, name string) error {
	var ke *keystore.Error
	if !errors.As(err, &ke) {
		return err
	}
	where := keyringName(err)
	switch ke.Kind {
	case keystore.NotFound:
		return fmt.Errorf("%s has no secret access key for %s of [%s]; run: awsmfa keyring import %s, or awsmfa setup %s --keyring --force",
			where, keyID, section, profile.CommandArg(name), profile.CommandArg(name))
	case keystore.Unavailable:
		return fmt.Errorf("%s is not available for [%s]: %s", where, section, ke.Msg)
	}
	return fmt.Errorf("%s, for %s of [%s]: %s", where, keyID, section, ke.Msg)
}

// keyringName is "keyring (BACKEND)" for a keystore error.
func keyringName(err error) string {
	var ke *keystore.Error
	if errors.As(err, &ke) && ke.Backend != "" {
		return "keyring (" + ke.Backend + ")"
	}
	return "keyring"
}

// keyState is what a long-term section says about its keys.
type keyState struct {
	keyID, secret, backend string
	hasSecret, inKeyring   bool
	hasSection, hasKeyID   bool
}

func readKeyState(f *awsini.File, section string) keyState {
	s := keyState{hasSection: f.Has(section)}
	s.keyID, s.hasKeyID = f.Get(section, "aws_access_key_id")
	s.secret, s.hasSecret = f.Get(section, "aws_secret_access_key")
	s.backend, s.inKeyring = f.Get(section, profile.KeyringKey)
	return s
}

// check refuses a section op ("import" or "remove") cannot act on.
func (k keyState) check(s Section, op string) error {
	switch {
	case !k.hasSection:
		return fmt.Errorf("no [%s] in %s; run: awsmfa setup %s --keyring", s.Name, s.Display, profile.CommandArg(s.Profile))
	case !k.hasKeyID || k.keyID == "":
		return fmt.Errorf("[%s] in %s has no aws_access_key_id; run: awsmfa setup %s --keyring --force", s.Name, s.Display, profile.CommandArg(s.Profile))
	case k.hasSecret && k.inKeyring:
		return fmt.Errorf("[%s] in %s has aws_secret_access_key and %s at once: remove one of them by hand; nothing was changed", s.Name, s.Display, profile.KeyringKey)
	case op == "import" && k.inKeyring:
		return fmt.Errorf("[%s] in %s keeps its secret access key in the keyring already (%s = %s); nothing to import", s.Name, s.Display, profile.KeyringKey, k.backend)
	case op == "import" && (!k.hasSecret || k.secret == ""):
		return fmt.Errorf("[%s] in %s has no aws_secret_access_key to import; run: awsmfa setup %s --keyring --force", s.Name, s.Display, profile.CommandArg(s.Profile))
	case op == "remove" && !k.inKeyring:
		return fmt.Errorf("[%s] in %s does not keep its secret access key in the keyring (no %s line); nothing to remove", s.Name, s.Display, profile.KeyringKey)
	}
	return nil
}

// edit is the shape of Import and Remove: it reads s and checks it for op,
// then calls prepare (which may refuse before the file is locked), then,
// under the file's lock, reads and checks s again and calls apply to change
// the keyring and the file. It returns the section as first read.
func edit(ctx context.Context, s Section, op string, prepare func(before keyState) error, apply func(f *awsini.File, before, now keyState) error) (keyState, error) {
	opt := awsini.Options{Display: s.Display}
	// Checked before the keyring is asked anything, and again under the
	// file's lock.
	f, err := awsini.Read(s.Path, opt)
	if err != nil {
		return keyState{}, err
	}
	before := readKeyState(f, s.Name)
	if err := before.check(s, op); err != nil {
		return keyState{}, err
	}
	if err := prepare(before); err != nil {
		return keyState{}, err
	}
	err = awsini.Update(ctx, s.Path, opt, func(f *awsini.File) error {
		now := readKeyState(f, s.Name)
		if err := now.check(s, op); err != nil {
			return err
		}
		return apply(f, before, now)
	})
	return before, err
}
