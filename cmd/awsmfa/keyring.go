package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/internal/keystore"
	"github.com/awsmfa/awsmfa/profile"
)

func (a *app) keyringCommand() *cli.Command {
	suffix := &cli.StringFlag{Name: "long-term-suffix", Aliases: []string{"long-suffix"}, Usage: "`SUFFIX` of the section (none: no suffix)", Value: "long-term"}
	return &cli.Command{
		Name:  "keyring",
		Usage: "move a profile's secret access key between the credentials file and the system keyring",
		Description: `The secret access key of [PROFILE-long-term] can live in the system
keyring (macOS Keychain, Windows Credential Manager, the Secret Service,
KWallet, pass, or an encrypted file) instead of the credentials file. The
section keeps the access key ID and awsmfa_keyring = BACKEND.

The backend is chosen automatically unless ` + keystore.EnvBackend + `
names one:
   ` + joinBackends() + `.
The encrypted file backend asks for its passphrase on the terminal, or
reads ` + keystore.EnvPassphrase + `. The keyring is used through
` + keystore.HelperName + `, installed beside awsmfa.`,
		Subcommands: []*cli.Command{
			{
				Name:      "import",
				Usage:     "move the secret access key of [PROFILE-long-term] from the credentials file into the keyring",
				ArgsUsage: "PROFILE",
				Flags:     []cli.Flag{suffix},
				Action:    func(c *cli.Context) error { return a.keyringImport(c) },
			},
			{
				Name:      "remove",
				Usage:     "forget the secret access key of [PROFILE-long-term] in the keyring, and the file's awsmfa_keyring line",
				ArgsUsage: "PROFILE",
				Flags:     []cli.Flag{suffix},
				Action:    func(c *cli.Context) error { return a.keyringRemove(c) },
			},
		},
	}
}

func joinBackends() string {
	s := ""
	for i, b := range keystore.Backends {
		if i > 0 {
			s += ", "
		}
		s += b
	}
	return s
}

// keyringClient starts this binary as the keyring helper, with the
// environment the commands it runs get.
func (a *app) keyringClient() *keystore.Client {
	exe, _ := a.executable()
	return &keystore.Client{Executable: exe, Environ: a.environ}
}

// keyringSecret is session.Getter.Secret: the secret of a plan whose
// long-term section says awsmfa_keyring.
func (a *app) keyringSecret(ctx context.Context, p *profile.Plan) (string, error) {
	backend := keystore.Choose(a.getenv, p.Keyring)
	if err := keystore.CheckBackend(backend); err != nil {
		return "", fmt.Errorf("[%s]: %v", p.KeysFrom, err)
	}
	secret, _, err := a.keyringClient().Get(ctx, backend, p.LongTerm.AccessKeyID)
	if err != nil {
		return "", a.keyringError(err, p.KeysFrom, p.LongTerm.AccessKeyID, p.Name)
	}
	return secret, nil
}

// keyringError says what failed, for which key, and what to do, on one
// line; it never holds the secret.
func (a *app) keyringError(err error, section, keyID, name string) error {
	var ke *keystore.Error
	if !errors.As(err, &ke) {
		return err
	}
	where := "keyring"
	if ke.Backend != "" {
		where = "keyring (" + ke.Backend + ")"
	}
	switch ke.Kind {
	case keystore.NotFound:
		return fmt.Errorf("%s has no secret access key for %s of [%s]; run: awsmfa keyring import %s, or awsmfa setup %s --keyring --force",
			where, keyID, section, profile.CommandArg(name), profile.CommandArg(name))
	case keystore.Unavailable:
		return fmt.Errorf("%s is not available for [%s]: %s", where, section, ke.Msg)
	}
	return fmt.Errorf("%s, for %s of [%s]: %s", where, keyID, section, ke.Msg)
}

// keyringSource is what explain says about where the secret comes from,
// without touching the keyring.
func (a *app) keyringSource(p *profile.Plan) string {
	backend := keystore.Choose(a.getenv, p.Keyring)
	why := profile.KeyringKey + " in [" + p.KeysFrom + "]"
	if a.getenv(keystore.EnvBackend) != "" {
		why = "env " + keystore.EnvBackend
	}
	if backend == keystore.Auto {
		return "the system keyring, backend chosen automatically (" + why + "); read only when STS is called"
	}
	return "the system keyring, backend " + backend + " (" + why + "); read only when STS is called"
}

// keyringSection locates [NAME-SUFFIX] in the credentials file.
func (a *app) keyringSection(c *cli.Context) (name, section, path string, opt awsini.Options, err error) {
	if c.NArg() != 1 {
		return "", "", "", opt, fmt.Errorf("keyring %s takes one profile name, got %d arguments", c.Command.Name, c.NArg())
	}
	name = c.Args().First()
	section = name
	if sfx := c.String("long-term-suffix"); sfx != "" && sfx != "none" {
		section = name + "-" + sfx
	}
	files, err := a.resolver().Paths()
	if err != nil {
		return "", "", "", opt, err
	}
	return name, section, files.Credentials, awsini.Options{Display: a.tilde(files.Credentials)}, nil
}

// keyState is what a long-term section says about its keys.
type keyState struct {
	keyID, secret, backend string
	hasSecret, inKeyring   bool
	section, display, name string
	hasSection, hasKeyID   bool
}

func readKeyState(f *awsini.File, name, section, display string) keyState {
	s := keyState{section: section, display: display, name: name, hasSection: f.Has(section)}
	s.keyID, s.hasKeyID = f.Get(section, "aws_access_key_id")
	s.secret, s.hasSecret = f.Get(section, "aws_secret_access_key")
	s.backend, s.inKeyring = f.Get(section, profile.KeyringKey)
	return s
}

func (s keyState) check(op string) error {
	switch {
	case !s.hasSection:
		return fmt.Errorf("no [%s] in %s; run: awsmfa setup %s --keyring", s.section, s.display, profile.CommandArg(s.name))
	case !s.hasKeyID || s.keyID == "":
		return fmt.Errorf("[%s] in %s has no aws_access_key_id; run: awsmfa setup %s --keyring --force", s.section, s.display, profile.CommandArg(s.name))
	case s.hasSecret && s.inKeyring:
		return fmt.Errorf("[%s] in %s has aws_secret_access_key and %s at once: remove one of them by hand; nothing was changed", s.section, s.display, profile.KeyringKey)
	case op == "import" && s.inKeyring:
		return fmt.Errorf("[%s] in %s keeps its secret access key in the keyring already (%s = %s); nothing to import", s.section, s.display, profile.KeyringKey, s.backend)
	case op == "import" && (!s.hasSecret || s.secret == ""):
		return fmt.Errorf("[%s] in %s has no aws_secret_access_key to import; run: awsmfa setup %s --keyring --force", s.section, s.display, profile.CommandArg(s.name))
	case op == "remove" && !s.inKeyring:
		return fmt.Errorf("[%s] in %s does not keep its secret access key in the keyring (no %s line); nothing to remove", s.section, s.display, profile.KeyringKey)
	}
	return nil
}

// keyringEdit is the shape of keyring import and remove: it reads the
// long-term section of the command's profile and checks it for op, then
// calls prepare (which may refuse before the file is locked), then, under
// the file's lock, reads and checks the section again and calls apply to
// change the keyring and the file. It returns the section as first read.
func (a *app) keyringEdit(c *cli.Context, op string, prepare func(before keyState) error, apply func(f *awsini.File, before, now keyState) error) (keyState, error) {
	name, section, path, opt, err := a.keyringSection(c)
	if err != nil {
		return keyState{}, err
	}
	// Checked before the keyring is asked anything, and again under the
	// file's lock.
	f, err := awsini.Read(path, opt)
	if err != nil {
		return keyState{}, err
	}
	before := readKeyState(f, name, section, opt.Display)
	if err := before.check(op); err != nil {
		return keyState{}, err
	}
	if err := prepare(before); err != nil {
		return keyState{}, err
	}
	err = awsini.Update(c.Context, path, opt, func(f *awsini.File) error {
		now := readKeyState(f, name, section, opt.Display)
		if err := now.check(op); err != nil {
			return err
		}
		return apply(f, before, now)
	})
	return before, err
}

func (a *app) keyringImport(c *cli.Context) error {
	var backend, used string
	before, err := a.keyringEdit(c, "import", func(keyState) error {
		backend = keystore.Choose(a.getenv, "")
		return nil
	}, func(f *awsini.File, before, now keyState) (err error) {
		if now.keyID != before.keyID || now.secret != before.secret {
			return fmt.Errorf("[%s] in %s changed while awsmfa read it; run the command again", now.section, now.display)
		}
		if used, err = a.keyringClient().Set(c.Context, backend, now.keyID, now.secret); err != nil {
			return a.keyringError(err, now.section, now.keyID, now.name)
		}
		if err := f.Unset(now.section, "aws_secret_access_key"); err != nil {
			return err
		}
		return f.Set(now.section, awsini.KV{Key: profile.KeyringKey, Value: used})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: moved the secret access key of [%s] (%s) into the keyring (%s); %s no longer holds it\n",
		before.section, before.keyID, used, before.display)
	return nil
}

func (a *app) keyringRemove(c *cli.Context) error {
	var backend, used string
	before, err := a.keyringEdit(c, "remove", func(before keyState) error {
		backend = keystore.Choose(a.getenv, before.backend)
		if err := keystore.CheckBackend(backend); err != nil {
			return fmt.Errorf("[%s] in %s: %v", before.section, before.display, err)
		}
		return nil
	}, func(f *awsini.File, _, now keyState) (err error) {
		if used, err = a.keyringClient().Remove(c.Context, backend, now.keyID); err != nil {
			if keystore.IsNotFound(err) {
				return fmt.Errorf("%v has no secret access key for %s of [%s]; nothing was changed (to drop the setting anyway, delete the %s line of [%s] in %s)",
					keyringName(err), now.keyID, now.section, profile.KeyringKey, now.section, now.display)
			}
			return a.keyringError(err, now.section, now.keyID, now.name)
		}
		return f.Unset(now.section, profile.KeyringKey)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: removed the secret access key of [%s] (%s) from the keyring (%s), and %s from %s\n  the key is still active in IAM; to use the profile again: awsmfa setup %s --force\n",
		before.section, before.keyID, used, profile.KeyringKey, before.display, profile.CommandArg(before.name))
	return nil
}

// keyringName is "keyring (BACKEND)" for a keystore error.
func keyringName(err error) string {
	var ke *keystore.Error
	if errors.As(err, &ke) && ke.Backend != "" {
		return "keyring (" + ke.Backend + ")"
	}
	return "keyring"
}
