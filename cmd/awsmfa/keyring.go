package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/internal/keystore"
	"github.com/awsmfa/awsmfa/internal/keystore/longterm"
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
		return "", longterm.Explain(err, p.KeysFrom, p.LongTerm.AccessKeyID, p.Name)
	}
	return secret, nil
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
func (a *app) keyringSection(c *cli.Context) (longterm.Section, error) {
	if c.NArg() != 1 {
		return longterm.Section{}, fmt.Errorf("keyring %s takes one profile name, got %d arguments", c.Command.Name, c.NArg())
	}
	name := c.Args().First()
	section := name
	if sfx := c.String("long-term-suffix"); sfx != "" && sfx != "none" {
		section = name + "-" + sfx
	}
	files, err := a.resolver().Paths()
	if err != nil {
		return longterm.Section{}, err
	}
	return longterm.Section{Path: files.Credentials, Display: a.tilde(files.Credentials), Profile: name, Name: section}, nil
}

func (a *app) keyringImport(c *cli.Context) error {
	s, err := a.keyringSection(c)
	if err != nil {
		return err
	}
	moved, err := longterm.Import(c.Context, a.keyringClient(), s, keystore.Choose(a.getenv, ""))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: moved the secret access key of [%s] (%s) into the keyring (%s); %s no longer holds it\n",
		s.Name, moved.KeyID, moved.Backend, s.Display)
	return nil
}

func (a *app) keyringRemove(c *cli.Context) error {
	s, err := a.keyringSection(c)
	if err != nil {
		return err
	}
	moved, err := longterm.Remove(c.Context, a.keyringClient(), s, a.getenv)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: removed the secret access key of [%s] (%s) from the keyring (%s), and %s from %s\n  the key is still active in IAM; to use the profile again: awsmfa setup %s --force\n",
		s.Name, moved.KeyID, moved.Backend, profile.KeyringKey, s.Display, profile.CommandArg(s.Profile))
	return nil
}
