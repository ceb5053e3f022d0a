package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/keystore"
	"github.com/awsmfa/awsmfa/internal/keystore/longterm"
	"github.com/awsmfa/awsmfa/session"
	"github.com/awsmfa/awsmfa/setup"
)

func (a *app) setupCommand() *cli.Command {
	return &cli.Command{
		Name:      "setup",
		Usage:     "create aws-mfa's long-term [PROFILE-long-term] section, finding the MFA device",
		ArgsUsage: "[PROFILE]",
		Description: `Asks on the terminal for what the flags do not give: the profile name,
the access key ID, the secret access key (not echoed) and an optional role.
Finds the MFA device with iam:ListMFADevices, signed with the new keys.

For scripts: --access-key-id KEY (or env AWSMFA_ACCESS_KEY_ID) and the
secret on stdin with --secret-access-key - (or env AWSMFA_SECRET_ACCESS_KEY).
The secret is never accepted as a flag value: it would land in the shell
history and in ps.

With --keyring the secret access key goes into the system keyring (see
'awsmfa keyring --help') and the section keeps the access key ID and
awsmfa_keyring = BACKEND instead.

Refuses to replace an existing section unless --force. Every other section
and comment of the credentials file stays as it was; the file stays 0600.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "profile `NAME` (as well as the positional name; asked when missing, default 'default')"},
			&cli.StringFlag{Name: "access-key-id", Usage: "the IAM user's access key `ID` (AKIA…; env " + setup.EnvKeyID + ")"},
			&cli.StringFlag{Name: "secret-access-key", Usage: "`-` reads the secret access key from stdin (env " + setup.EnvSecret + "); never give the key itself here"},
			&cli.StringFlag{Name: "device", Usage: "MFA device `ARN` or serial; skips iam:ListMFADevices"},
			&cli.StringFlag{Name: "assume-role", Aliases: []string{"assume"}, Usage: "role `ARN` to record as assume_role"},
			&cli.StringFlag{Name: "long-term-suffix", Aliases: []string{"long-suffix"}, Usage: "`SUFFIX` of the section (none: no suffix)", Value: "long-term"},
			&cli.BoolFlag{Name: "force", Usage: "replace the keys of an existing section"},
			&cli.BoolFlag{Name: "keyring", Usage: "keep the secret access key in the system keyring, not in the file (backend: env " + keystore.EnvBackend + ", else automatic)"},
		},
		Action: func(c *cli.Context) error { return a.setup(c, setup.OpenTTY) },
	}
}

// setup reads the flags and the environment, and setup.Run asks for the
// rest on the terminal open opens, checks it all and writes the section.
func (a *app) setup(c *cli.Context, open func() (setup.Terminal, error)) error {
	if c.NArg() > 1 {
		return fmt.Errorf("setup takes one profile name, got %d arguments", c.NArg())
	}
	name, err := profileName(c)
	if err != nil {
		return err
	}
	in := setup.Input{
		Name:   name,
		Suffix: c.String("long-term-suffix"),
		KeyID:  c.String("access-key-id"),
		Secret: a.setupSecret(c),
		Device: c.String("device"),
		Role:   c.String("assume-role"),
		Force:  c.Bool("force"),
		Locate: func() (string, string, error) {
			files, err := a.resolver().Paths()
			if err != nil {
				return "", "", err
			}
			return files.Credentials, a.tilde(files.Credentials), nil
		},
		IAMEndpoint: setup.IAMEndpoint(a.getenv),
		STSEndpoint: session.Endpoint(a.getenv),
		Open:        open,
	}
	if in.KeyID == "" {
		in.KeyID = a.getenv(setup.EnvKeyID)
	}
	if c.Bool("keyring") {
		backend := keystore.Choose(a.getenv, "")
		if err := keystore.CheckBackend(backend); err != nil {
			return err
		}
		in.StoreSecret = func(ctx context.Context, keyID, secret string) (string, error) {
			used, err := a.keyringClient().Set(ctx, backend, keyID, secret)
			if err != nil {
				return "", longterm.Explain(err, setupSection(in.Name, in.Suffix), keyID, in.Name)
			}
			return used, nil
		}
	}
	res, err := setup.Run(c.Context, in)
	if errors.Is(err, setup.ErrCancelled) {
		return &exitError{code: 130, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: wrote [%s] to %s with MFA device %s\n  next: %s\n",
		res.Section, res.Display, res.Device, envCommand(exporter.Detect(a.getenv("SHELL")), res.Name))
	return nil
}

// setupSecret is where --secret-access-key and the environment say the
// secret access key comes from: stdin with -, never the flag's own value,
// else the environment; nil leaves it to the terminal. setup.Run calls it
// after the key ID checks out.
func (a *app) setupSecret(c *cli.Context) func() (string, error) {
	switch v := c.String("secret-access-key"); {
	case v == "-":
		return func() (string, error) {
			secret, err := setup.ReadLine(a.stdin)
			if err != nil {
				return "", fmt.Errorf("--secret-access-key -: cannot read the key from stdin: %v", err)
			}
			return secret, nil
		}
	case c.IsSet("secret-access-key"):
		return func() (string, error) {
			return "", errors.New("--secret-access-key takes only -, to read the key from stdin: a key on the command line lands in the shell history\n" +
				"run: awsmfa setup --secret-access-key - < keyfile, or set " + setup.EnvSecret)
		}
	case a.getenv(setup.EnvSecret) != "":
		secret := a.getenv(setup.EnvSecret)
		return func() (string, error) { return secret, nil }
	}
	return nil
}

// setupSection is the section setup writes, for messages.
func setupSection(name, suffix string) string {
	if name == "" {
		return "new profile"
	}
	if suffix != "" && suffix != "none" {
		return name + "-" + suffix
	}
	return name
}
