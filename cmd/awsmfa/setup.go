package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/awsmfa/awsmfa/internal/iniedit"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
)

// Environment variables setup reads the keys from, for robots. The usual
// AWS_ACCESS_KEY_ID is not read: in a shell it is usually a session.
const (
	envSetupKeyID  = "AWSMFA_ACCESS_KEY_ID"
	envSetupSecret = "AWSMFA_SECRET_ACCESS_KEY"
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

Refuses to replace an existing section unless --force. Every other section
and comment of the credentials file stays as it was; the file stays 0600.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "profile `NAME` (as well as the positional name; asked when missing, default 'default')"},
			&cli.StringFlag{Name: "access-key-id", Usage: "the IAM user's access key `ID` (AKIA…; env " + envSetupKeyID + ")"},
			&cli.StringFlag{Name: "secret-access-key", Usage: "`-` reads the secret access key from stdin (env " + envSetupSecret + "); never give the key itself here"},
			&cli.StringFlag{Name: "device", Usage: "MFA device `ARN` or serial; skips iam:ListMFADevices"},
			&cli.StringFlag{Name: "assume-role", Aliases: []string{"assume"}, Usage: "role `ARN` to record as assume_role"},
			&cli.StringFlag{Name: "long-term-suffix", Aliases: []string{"long-suffix"}, Usage: "`SUFFIX` of the section (none: no suffix)", Value: "long-term"},
			&cli.BoolFlag{Name: "force", Usage: "replace the keys of an existing section"},
		},
		Action: func(c *cli.Context) error { return a.setup(c, openTTY) },
	}
}

// setupAnswers is what setup writes.
type setupAnswers struct {
	name, section string
	keyID, secret string
	device, role  string
	interactive   bool // the keys were asked for: ask for a role too
	force         bool
}

func (a *app) setup(c *cli.Context, open func() (terminal, error)) error {
	if c.NArg() > 1 {
		return fmt.Errorf("setup takes one profile name, got %d arguments", c.NArg())
	}
	name, err := profileName(c)
	if err != nil {
		return err
	}
	var tty terminal
	ask := func() (terminal, error) {
		if tty == nil {
			t, err := open()
			if err != nil {
				return nil, err
			}
			tty = t
		}
		return tty, nil
	}
	defer func() {
		if tty != nil {
			tty.Close()
		}
	}()

	if name == "" {
		if t, err := ask(); err == nil {
			if name, err = t.Ask("Profile name [default]: "); err != nil {
				return err
			}
		}
		if name == "" {
			name = "default"
		}
	}
	if strings.ContainsAny(name, "[]\r\n") || strings.TrimSpace(name) != name {
		return fmt.Errorf("profile name %q: use letters, digits and - _ . @ without brackets or blanks at either end", name)
	}
	ans := setupAnswers{name: name, section: name, force: c.Bool("force"), role: c.String("assume-role")}
	if err := checkRole(ans.role); err != nil {
		return err
	}
	if sfx := c.String("long-term-suffix"); sfx != "" && !strings.EqualFold(sfx, "none") {
		ans.section = name + "-" + sfx
	}
	files, err := a.resolver().Paths()
	if err != nil {
		return err
	}
	opt := iniedit.Options{Display: a.tilde(files.Credentials)}
	// Refuse early, before asking for secrets; checked again under the lock.
	f, err := iniedit.Read(files.Credentials, opt)
	if err != nil {
		return err
	}
	if err := exists(f, ans, opt.Display); err != nil {
		return err
	}

	// The access key ID: flag, environment, terminal.
	ans.keyID = c.String("access-key-id")
	if ans.keyID == "" {
		ans.keyID = a.getenv(envSetupKeyID)
	}
	if ans.keyID == "" {
		t, err := ask()
		if err != nil {
			return fmt.Errorf("no access key ID, and no terminal to ask on (%v)\npass --access-key-id, or set %s", err, envSetupKeyID)
		}
		ans.interactive = true
		if ans.keyID, err = t.Ask("AWS access key ID: "); err != nil {
			return err
		}
	}
	if err := checkKeyID(ans.keyID); err != nil {
		return err
	}

	// The secret: stdin, environment, terminal; never a flag value.
	switch v := c.String("secret-access-key"); {
	case v == "-":
		if ans.secret, err = readLine(a.stdin); err != nil {
			return fmt.Errorf("--secret-access-key -: cannot read the key from stdin: %v", err)
		}
	case c.IsSet("secret-access-key"):
		return fmt.Errorf("--secret-access-key takes only -, to read the key from stdin: a key on the command line lands in the shell history\n" +
			"run: awsmfa setup --secret-access-key - < keyfile, or set " + envSetupSecret)
	case a.getenv(envSetupSecret) != "":
		ans.secret = a.getenv(envSetupSecret)
	default:
		t, err := ask()
		if err != nil {
			return fmt.Errorf("no secret access key, and no terminal to ask on (%v)\npass --secret-access-key - with the key on stdin, or set %s", err, envSetupSecret)
		}
		ans.interactive = true
		if ans.secret, err = t.Secret("AWS secret access key (not shown): "); err != nil {
			return err
		}
	}
	ans.secret = strings.TrimSpace(ans.secret)
	if ans.secret == "" || strings.ContainsFunc(ans.secret, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("the secret access key is empty or has blanks in it\npaste it again, exactly as IAM showed it (40 characters)")
	}

	// The device: flag, else the one IAM lists, else a choice.
	if ans.device = c.String("device"); ans.device == "" {
		if ans.device, err = a.findDevice(c.Context, ans, ask); err != nil {
			return err
		}
	} else if strings.ContainsFunc(ans.device, func(r rune) bool { return r <= ' ' }) {
		return fmt.Errorf("--device %q: give the device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware serial", ans.device)
	}

	// The role: flag, else a question when the rest was asked too.
	if ans.role == "" && ans.interactive {
		t, err := ask()
		if err != nil {
			return err
		}
		for try := 1; ; try++ {
			if ans.role, err = t.Ask("Role ARN to assume (Enter for none): "); err != nil {
				return err
			}
			err := checkRole(ans.role)
			if err == nil || try == 3 {
				break
			}
			t.Say(strings.ReplaceAll(err.Error(), "\n", "; ") + "\n")
		}
	}
	if err := checkRole(ans.role); err != nil {
		return err
	}

	set := []iniedit.KV{
		{Key: "aws_access_key_id", Value: ans.keyID},
		{Key: "aws_secret_access_key", Value: ans.secret},
		{Key: "aws_mfa_device", Value: ans.device},
	}
	if ans.role != "" {
		set = append(set, iniedit.KV{Key: "assume_role", Value: ans.role})
	}
	err = iniedit.Update(c.Context, files.Credentials, opt, func(f *iniedit.File) error {
		if err := exists(f, ans, opt.Display); err != nil {
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
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "awsmfa: wrote [%s] to %s with MFA device %s\n  next: eval \"$(awsmfa env %s)\"\n",
		ans.section, opt.Display, ans.device, ans.name)
	return nil
}

// exists refuses to replace a section unless --force.
func exists(f *iniedit.File, ans setupAnswers, display string) error {
	if f.Has(ans.section) && !ans.force {
		return fmt.Errorf("[%s] already exists in %s (line %d)\npass --force to replace its keys, or choose another profile name",
			ans.section, display, f.Line(ans.section))
	}
	return nil
}

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

func checkKeyID(id string) error {
	switch {
	case strings.HasPrefix(id, "ASIA"):
		return fmt.Errorf("access key %s is a temporary key (ASIA…)\nsetup needs your IAM user's long-term key (AKIA…), from the IAM console's Security credentials tab", id)
	case !isKeyID(id):
		return fmt.Errorf("%q is not an access key ID\nit is 20 capital letters and digits starting with AKIA, from the IAM console's Security credentials tab", id)
	}
	return nil
}

// readLine reads one line, without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		if err == io.EOF {
			return "", errors.New("nothing there")
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// findDevice lists the MFA devices of the user the keys belong to and
// picks one: the only one, or the user's choice on the terminal.
func (a *app) findDevice(ctx context.Context, ans setupAnswers, ask func() (terminal, error)) (string, error) {
	devices, err := a.listMFADevices(ctx, ans.keyID, ans.secret)
	if err != nil {
		return "", err
	}
	switch len(devices) {
	case 0:
		return "", fmt.Errorf("IAM user %s has no MFA device; add one in the IAM console (Security credentials, Assign MFA device)\nthen run 'awsmfa setup' again", a.whoami(ctx, ans.keyID, ans.secret))
	case 1:
		return devices[0], nil
	}
	t, err := ask()
	if err != nil {
		return "", fmt.Errorf("these keys have %d MFA devices (%s) and there is no terminal to choose on\npass --device with the one to use", len(devices), strings.Join(devices, ", "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "These keys have %d MFA devices:\n", len(devices))
	for i, d := range devices {
		fmt.Fprintf(&b, "  %d) %s\n", i+1, d)
	}
	t.Say(b.String())
	for try := 0; try < 3; try++ {
		answer, err := t.Ask(fmt.Sprintf("Which one [1-%d]: ", len(devices)))
		if err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(devices) {
			return devices[n-1], nil
		}
		t.Say(fmt.Sprintf("%q is not a number from 1 to %d\n", answer, len(devices)))
	}
	return "", fmt.Errorf("no device chosen\npass --device with the one to use")
}

// iamEndpoint is the IAM endpoint the SDK's own settings name
// (AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL), or "" for AWS itself.
func (a *app) iamEndpoint() string {
	if a.getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true" {
		return ""
	}
	if u := a.getenv("AWS_ENDPOINT_URL_IAM"); u != "" {
		return u
	}
	return a.getenv("AWS_ENDPOINT_URL")
}

// listMFADevices calls iam:ListMFADevices signed with the new keys: the
// devices of the user they belong to.
func (a *app) listMFADevices(ctx context.Context, keyID, secret string) ([]string, error) {
	opts := iam.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		HTTPClient:  &http.Client{Timeout: 30 * time.Second},
		Retryer:     retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 }),
	}
	ep := a.iamEndpoint()
	if ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	client := iam.New(opts)
	var out []string
	pages := iam.NewListMFADevicesPaginator(client, &iam.ListMFADevicesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, describeIAM(err, keyID, ep)
		}
		for _, d := range page.MFADevices {
			out = append(out, aws.ToString(d.SerialNumber))
		}
	}
	return out, nil
}

// whoami names the IAM user the keys belong to, for messages; the key ID
// when STS cannot say.
func (a *app) whoami(ctx context.Context, keyID, secret string) string {
	opts := sts.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		HTTPClient:  &http.Client{Timeout: 10 * time.Second},
	}
	if ep := session.Endpoint(a.getenv); ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	out, err := sts.New(opts).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "with key " + keyID
	}
	arn := aws.ToString(out.Arn)
	if i := strings.Index(arn, ":user/"); i >= 0 {
		name := arn[i+len(":user/"):]
		return name[strings.LastIndexByte(name, '/')+1:]
	}
	return arn
}

// describeIAM turns a ListMFADevices failure into what to do about it.
func describeIAM(err error, keyID, endpoint string) error {
	where := "IAM"
	if endpoint != "" {
		where = "IAM at " + endpoint
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "InvalidClientTokenId":
			return fmt.Errorf("%s does not know the access key %s\ncopy the key ID again from the IAM console", where, keyID)
		case "SignatureDoesNotMatch":
			return fmt.Errorf("%s says the secret key for %s is wrong\npaste the secret again, exactly as IAM showed it", where, keyID)
		case "AccessDenied", "AccessDeniedException":
			return fmt.Errorf("%s denied iam:ListMFADevices to %s, so the device cannot be found\npass --device with the device ARN (IAM console, Security credentials)", where, keyID)
		}
		return fmt.Errorf("%s failed ListMFADevices: %s: %s", where, ae.ErrorCode(), ae.ErrorMessage())
	}
	var ne net.Error
	if errors.As(err, &ne) || strings.Contains(err.Error(), "connection") {
		return fmt.Errorf("cannot reach %s to find the MFA device: %v\ncheck the network, AWS_ENDPOINT_URL_IAM, or pass --device", where, rootErr(err))
	}
	return fmt.Errorf("%s: ListMFADevices failed: %v", where, rootErr(err))
}

func rootErr(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// terminal is where setup asks its questions: the user's terminal, never
// stdout or stderr.
type terminal interface {
	// Ask shows question and reads one line, echoed.
	Ask(question string) (string, error)
	// Secret shows question and reads one line without echo.
	Secret(question string) (string, error)
	// Say shows text.
	Say(text string)
	Close() error
}

// errNoAnswer is an end of input at a question.
var errNoAnswer = errors.New("no answer (end of input); nothing was written")

// ttyTerminal is /dev/tty.
type ttyTerminal struct{ f *os.File }

func openTTY() (terminal, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &ttyTerminal{f}, nil
}

func (t *ttyTerminal) Say(text string) { fmt.Fprint(t.f, text) }

func (t *ttyTerminal) Close() error { return t.f.Close() }

// Ask reads byte by byte, so that nothing typed ahead for the next
// question is swallowed by a buffer.
func (t *ttyTerminal) Ask(question string) (string, error) {
	fmt.Fprint(t.f, question)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := t.f.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSpace(string(line)), nil
			}
			line = append(line, b[0])
			continue
		}
		if err != nil {
			if len(line) > 0 {
				return strings.TrimSpace(string(line)), nil
			}
			fmt.Fprintln(t.f)
			return "", errNoAnswer
		}
	}
}

// Secret turns echo off before it shows the question, so that nothing
// typed or pasted early is echoed, and reads the line itself in raw mode:
// Enter ends it, Backspace and Ctrl-U edit it, Ctrl-C cancels (the
// terminal is restored and nothing is written). SIGTERM and SIGHUP restore
// the terminal before the process dies of them.
func (t *ttyTerminal) Secret(question string) (string, error) {
	fd := int(t.f.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("cannot turn echo off on the terminal: %v", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			_ = term.Restore(fd, state)
			fmt.Fprintln(t.f)
			signal.Reset(s)
			if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(s) == nil {
				time.Sleep(time.Second)
			}
			os.Exit(128 + 15)
		case <-done:
		}
	}()
	defer func() {
		close(done)
		signal.Stop(sigs)
		_ = term.Restore(fd, state)
		fmt.Fprint(t.f, "\r\n")
	}()
	fmt.Fprint(t.f, question)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := t.f.Read(b)
		if err != nil {
			return "", fmt.Errorf("cannot read the secret from the terminal: %v", err)
		}
		if n == 0 {
			continue
		}
		switch c := b[0]; {
		case c == '\r' || c == '\n':
			if len(line) == 0 {
				return "", errNoAnswer
			}
			return string(line), nil
		case c == 3: // Ctrl-C
			return "", &exitError{code: 130, err: errors.New("cancelled; nothing was written")}
		case c == 4 && len(line) == 0: // Ctrl-D
			return "", errNoAnswer
		case c == 0x7f || c == 8: // Backspace: drop the last character
			for len(line) > 0 {
				last := line[len(line)-1]
				line = line[:len(line)-1]
				if last < 0x80 || last >= 0xC0 {
					break
				}
			}
		case c == 0x15: // Ctrl-U
			line = line[:0]
		case c >= 0x20:
			line = append(line, c)
		}
	}
}
