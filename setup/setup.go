// Package setup creates aws-mfa's long-term section of the AWS credentials
// file ([NAME-long-term]: aws_access_key_id, aws_secret_access_key,
// aws_mfa_device and an optional assume_role).
//
// Run takes what the command line and the environment give, asks for the
// rest on a Terminal (the secret without echo), checks every answer before
// anything is written, finds the MFA device with iam:ListMFADevices signed
// with the new keys, and writes the section through awsini, keeping every
// other byte of the file. Its errors say what to do, in one or two lines,
// and never hold the secret.
package setup

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/profile"
)

// Environment variables a robot gives the keys in. The usual
// AWS_ACCESS_KEY_ID is not read: in a shell it usually holds a session.
const (
	EnvKeyID  = "AWSMFA_ACCESS_KEY_ID"
	EnvSecret = "AWSMFA_SECRET_ACCESS_KEY"
)

// Input is what the command line and the environment gave. What is missing
// is asked on the terminal.
type Input struct {
	// Name is the profile name; "" asks, and an empty answer (or no
	// terminal) means "default".
	Name string
	// Suffix ends the section's name: NAME-SUFFIX; "" or "none" (any case)
	// means the section is [NAME].
	Suffix string
	// KeyID is the access key ID; "" asks.
	KeyID string
	// Secret returns the secret access key when the command line or the
	// environment gives it; nil asks on the terminal. It is called once the
	// key ID checks out, so that its errors come in the order of the
	// questions.
	Secret func() (string, error)
	// Device is the MFA device ARN or serial; "" asks IAM for it.
	Device string
	// Role is a role ARN to record as assume_role; "" asks, when the keys
	// were asked for too.
	Role string
	// Force replaces the keys of an existing section.
	Force bool

	// Locate names the credentials file: its path, and how messages show it
	// ("~/.aws/credentials"). It is called once the profile name and role
	// check out, before any key is asked for.
	Locate func() (path, display string, err error)
	// IAMEndpoint and STSEndpoint are where the IAM and STS calls go; ""
	// means AWS itself. See IAMEndpoint and session.Endpoint.
	IAMEndpoint, STSEndpoint string
	// StoreSecret, when set, keeps the secret access key out of the file:
	// it stores the secret in the system keyring and returns the backend
	// it went to, which is written as awsmfa_keyring beside the access key
	// ID. It is called under the file's lock, just before the write.
	StoreSecret func(ctx context.Context, keyID, secret string) (backend string, err error)
	// Open opens the terminal the questions are asked on. It is called only
	// when a question is needed, and again at the next question if it
	// failed; Run closes what it opened. nil means there is no terminal.
	Open func() (Terminal, error)
}

// Result is what Run wrote.
type Result struct {
	Name    string // the profile name
	Section string // the section written: NAME or NAME-SUFFIX
	Display string // the credentials file, as messages show it
	Device  string // the MFA device recorded
}

// answers is what Run collects and writes.
type answers struct {
	name, section string
	keyID, secret string
	device, role  string
	interactive   bool // the keys were asked for: ask for a role too
	force         bool
}

// asker opens the terminal at the first question and keeps it open.
type asker struct {
	open func() (Terminal, error)
	tty  Terminal
}

func (a *asker) terminal() (Terminal, error) {
	if a.tty == nil {
		if a.open == nil {
			return nil, errors.New("no terminal")
		}
		t, err := a.open()
		if err != nil {
			return nil, err
		}
		a.tty = t
	}
	return a.tty, nil
}

func (a *asker) close() {
	if a.tty != nil {
		a.tty.Close()
	}
}

// Run checks the input, asks for what is missing, finds the MFA device and
// writes the section. Nothing is written unless every answer checks out;
// an existing section is refused before any secret is asked for, unless
// Input.Force.
func Run(ctx context.Context, in Input) (Result, error) {
	ask := &asker{open: in.Open}
	defer ask.close()

	name := in.Name
	if name == "" {
		if t, err := ask.terminal(); err == nil {
			if name, err = t.Ask("Profile name [default]: "); err != nil {
				return Result{}, err
			}
		}
		if name == "" {
			name = "default"
		}
	}
	if err := checkName(name); err != nil {
		return Result{}, err
	}
	ans := answers{name: name, section: sectionName(name, in.Suffix), force: in.Force, role: in.Role}
	if err := checkRole(ans.role); err != nil {
		return Result{}, err
	}
	path, display, err := in.Locate()
	if err != nil {
		return Result{}, err
	}
	opt := awsini.Options{Display: display}
	// Refuse early, before asking for secrets; checked again under the lock.
	f, err := awsini.Read(path, opt)
	if err != nil {
		return Result{}, err
	}
	if err := exists(f, ans, display); err != nil {
		return Result{}, err
	}

	// The access key ID: given, else the terminal.
	if ans.keyID = in.KeyID; ans.keyID == "" {
		t, err := ask.terminal()
		if err != nil {
			return Result{}, fmt.Errorf("no access key ID, and no terminal to ask on (%v)\npass --access-key-id, or set %s", err, EnvKeyID)
		}
		ans.interactive = true
		if ans.keyID, err = t.Ask("AWS access key ID: "); err != nil {
			return Result{}, err
		}
	}
	if err := checkKeyID(ans.keyID); err != nil {
		return Result{}, err
	}

	// The secret: given, else the terminal without echo.
	if in.Secret != nil {
		if ans.secret, err = in.Secret(); err != nil {
			return Result{}, err
		}
	} else {
		t, err := ask.terminal()
		if err != nil {
			return Result{}, fmt.Errorf("no secret access key, and no terminal to ask on (%v)\npass --secret-access-key - with the key on stdin, or set %s", err, EnvSecret)
		}
		ans.interactive = true
		if ans.secret, err = t.Secret("AWS secret access key (not shown): "); err != nil {
			return Result{}, err
		}
	}
	ans.secret = strings.TrimSpace(ans.secret)
	if err := checkSecret(ans.secret); err != nil {
		return Result{}, err
	}

	// The device: given, else the one IAM lists, else a choice.
	if ans.device = in.Device; ans.device == "" {
		if ans.device, err = findDevice(ctx, in, ans, ask); err != nil {
			return Result{}, err
		}
	} else if err := checkDevice(ans.device); err != nil {
		return Result{}, err
	}

	// The role: given, else a question when the keys were asked too.
	if ans.role == "" && ans.interactive {
		t, err := ask.terminal()
		if err != nil {
			return Result{}, err
		}
		for try := 1; ; try++ {
			if ans.role, err = t.Ask("Role ARN to assume (Enter for none): "); err != nil {
				return Result{}, err
			}
			err := checkRole(ans.role)
			if err == nil || try == 3 {
				break
			}
			t.Say(strings.ReplaceAll(err.Error(), "\n", "; ") + "\n")
		}
	}
	if err := checkRole(ans.role); err != nil {
		return Result{}, err
	}

	if err := write(ctx, path, opt, ans, in.StoreSecret); err != nil {
		return Result{}, err
	}
	return Result{Name: ans.name, Section: ans.section, Display: display, Device: ans.device}, nil
}

// write writes the section under the file's lock, refusing again if it
// appeared meanwhile.
func write(ctx context.Context, path string, opt awsini.Options, ans answers, store func(ctx context.Context, keyID, secret string) (string, error)) error {
	return awsini.Update(ctx, path, opt, func(f *awsini.File) error {
		if err := exists(f, ans, opt.Display); err != nil {
			return err
		}
		// The secret goes into the file, or into the keyring with the
		// file saying which backend holds it; never both.
		secret := awsini.KV{Key: "aws_secret_access_key", Value: ans.secret}
		drop := profile.KeyringKey
		if store != nil {
			backend, err := store(ctx, ans.keyID, ans.secret)
			if err != nil {
				return err
			}
			secret = awsini.KV{Key: profile.KeyringKey, Value: backend}
			drop = "aws_secret_access_key"
		}
		set := []awsini.KV{
			{Key: "aws_access_key_id", Value: ans.keyID},
			secret,
			{Key: "aws_mfa_device", Value: ans.device},
		}
		if ans.role != "" {
			set = append(set, awsini.KV{Key: "assume_role", Value: ans.role})
		}
		if err := f.Unset(ans.section, drop); err != nil {
			return err
		}
		if err := f.Set(ans.section, set...); err != nil {
			return err
		}
		if ans.role == "" {
			return f.Unset(ans.section, "assume_role")
		}
		return nil
	})
}

// sectionName is NAME-SUFFIX, or NAME when the suffix is "" or "none".
func sectionName(name, suffix string) string {
	if suffix != "" && !strings.EqualFold(suffix, "none") {
		return name + "-" + suffix
	}
	return name
}

// exists refuses to replace a section unless forced.
func exists(f *awsini.File, ans answers, display string) error {
	if f.Has(ans.section) && !ans.force {
		return fmt.Errorf("[%s] already exists in %s (line %d)\npass --force to replace its keys, or choose another profile name",
			ans.section, display, f.Line(ans.section))
	}
	return nil
}

// checkName refuses a profile name that cannot be a section name.
func checkName(name string) error {
	if strings.ContainsAny(name, "[]\r\n") || strings.TrimSpace(name) != name {
		return fmt.Errorf("profile name %q: use letters, digits and - _ . @ without brackets or blanks at either end", name)
	}
	return nil
}

// checkRole accepts no role, or a role ARN.
func checkRole(arn string) error {
	if arn == "" {
		return nil
	}
	return profile.CheckRoleARN(arn)
}

// isKeyID reports whether id looks like an access key ID: 16 to 128
// capital letters and digits.
func isKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkKeyID refuses a session key and anything that is not a key ID.
func checkKeyID(id string) error {
	switch {
	case strings.HasPrefix(id, "ASIA"):
		return fmt.Errorf("access key %s is a temporary key (ASIA…)\nsetup needs your IAM user's long-term key (AKIA…), from the IAM console's Security credentials tab", id)
	case !isKeyID(id):
		return fmt.Errorf("%q is not an access key ID\nit is 20 capital letters and digits starting with AKIA, from the IAM console's Security credentials tab", id)
	}
	return nil
}

// checkSecret refuses an empty secret or one with blanks or control
// characters in it (a bad paste). The secret is never part of the message.
func checkSecret(secret string) error {
	if secret == "" || strings.ContainsFunc(secret, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("the secret access key is empty or has blanks in it\npaste it again, exactly as IAM showed it (40 characters)")
	}
	return nil
}

// checkDevice refuses a device with blanks or control characters in it.
func checkDevice(device string) error {
	if strings.ContainsFunc(device, func(r rune) bool { return r <= ' ' }) {
		return fmt.Errorf("--device %q: give the device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware serial", device)
	}
	return nil
}
