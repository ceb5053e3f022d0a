package session

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/sh"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/mfa"
	"github.com/awsmfa/awsmfa/profile"
)

// EnvInKeysProcess is set, to the profile's name, in the environment of a
// credential_process that awsmfa runs for long-term keys; an awsmfa that
// finds it set refuses to run another.
const EnvInKeysProcess = "AWSMFA_IN_CREDENTIAL_PROCESS"

// processKeys is the output of a credential_process, as the AWS CLI reads
// it.
type processKeys struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

// nestedKeys refuses a plan whose keys come from a credential_process when
// this awsmfa runs inside one: the command is awsmfa again (directly or
// not), and the two would wait on each other's cache lock until the
// deadline.
func (g *Getter) nestedKeys(p *profile.Plan) error {
	outer := g.getenv(EnvInKeysProcess)
	if outer == "" || p.KeysProcess == "" {
		return nil
	}
	return fmt.Errorf("profile %q: awsmfa runs inside the credential_process of profile %q and would need one again: %s\n"+
		"give the keys' profile a command that prints the long-term keys themselves", p.KeysFrom, outer, p.KeysProcess)
}

// runKeys runs p's credential_process and checks what it prints: Version
// 1, AccessKeyId and SecretAccessKey, and an Expiration (when given) still
// ahead. The command's stderr goes to g.Stderr; its stdout never appears
// in a message or log, as it holds the secret key. It runs under the
// command's deadline (package wait), like an STS call.
func (g *Getter) runKeys(ctx context.Context, p *profile.Plan) (creds.Credentials, error) {
	ctx, cancel := wait.Ensure(ctx)
	defer cancel()
	// Each failure is one line, naming the profile and the command; the
	// command's own stderr is above it.
	fail := func(format string, args ...any) error {
		return fmt.Errorf("profile %q: credential_process %s: %s", p.KeysFrom, fmt.Sprintf(format, args...), p.KeysProcess)
	}
	g.log().Info("running credential_process for the long-term keys", "profile", p.KeysFrom)
	out, err := sh.Output(ctx, p.KeysProcess, append(os.Environ(), EnvInKeysProcess+"="+p.KeysFrom), g.Stderr)
	if ctx.Err() != nil {
		if wait.Expired(ctx) {
			return creds.Credentials{}, wait.Timeout(ctx, fmt.Sprintf("the credential_process of profile %q to print the keys", p.KeysFrom))
		}
		return creds.Credentials{}, mfa.ErrCancelled
	}
	if err != nil {
		return creds.Credentials{}, fail("%v", err)
	}
	var k processKeys
	if err := json.Unmarshal(out, &k); err != nil {
		return creds.Credentials{}, fail("printed no JSON credentials (the AWS CLI's credential_process format)")
	}
	switch {
	case k.Version != 1:
		return creds.Credentials{}, fail("printed Version %d, not 1", k.Version)
	case strings.TrimSpace(k.AccessKeyID) == "" || strings.TrimSpace(k.SecretAccessKey) == "":
		return creds.Credentials{}, fail("printed no AccessKeyId or no SecretAccessKey")
	}
	c := creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken}
	if k.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, k.Expiration)
		if err != nil {
			return creds.Credentials{}, fail("printed an Expiration that is not an RFC 3339 time")
		}
		if !exp.After(g.now()) {
			return creds.Credentials{}, fail("printed keys that expired at %s", exp.UTC().Format(time.RFC3339))
		}
		c.Expiration = exp.UTC()
	}
	return c, nil
}
