package session

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/profile"
)

// processKeys is the output of a credential_process, as the AWS CLI reads
// it.
type processKeys struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

// runKeys runs p's credential_process and checks what it prints: Version
// 1, AccessKeyId and SecretAccessKey, and an Expiration (when given) still
// ahead. The command's stderr goes to g.Stderr; its stdout never appears
// in a message or log, as it holds the secret key. It runs under the
// command's deadline (package wait), like an STS call.
func (g *Getter) runKeys(ctx context.Context, p *profile.Plan) (creds.Credentials, error) {
	ctx, cancel := wait.Ensure(ctx)
	defer cancel()
	who := fmt.Sprintf("the credential_process of profile %q", p.KeysFrom)
	hint := "\nfix the command, or run it yourself to see what it does: " + p.KeysProcess
	g.log().Info("running credential_process for the long-term keys", "profile", p.KeysFrom)
	out, err := runCommand(ctx, p.KeysProcess, nil, g.Stderr)
	if ctx.Err() != nil {
		if wait.Expired(ctx) {
			return creds.Credentials{}, wait.Timeout(ctx, who+" to print the keys")
		}
		return creds.Credentials{}, ErrCancelled
	}
	if err != nil {
		return creds.Credentials{}, fmt.Errorf("%s %v%s", who, err, hint)
	}
	var k processKeys
	if err := json.Unmarshal(out, &k); err != nil {
		return creds.Credentials{}, fmt.Errorf("%s printed no JSON credentials (the AWS CLI's credential_process format)%s", who, hint)
	}
	switch {
	case k.Version != 1:
		return creds.Credentials{}, fmt.Errorf("%s printed Version %d; credential_process output must have \"Version\": 1%s", who, k.Version, hint)
	case strings.TrimSpace(k.AccessKeyID) == "" || strings.TrimSpace(k.SecretAccessKey) == "":
		return creds.Credentials{}, fmt.Errorf("%s printed no AccessKeyId or no SecretAccessKey%s", who, hint)
	}
	c := creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken}
	if k.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, k.Expiration)
		if err != nil {
			return creds.Credentials{}, fmt.Errorf("%s printed an Expiration that is not an RFC 3339 time%s", who, hint)
		}
		if !exp.After(g.now()) {
			return creds.Credentials{}, fmt.Errorf("%s printed keys that expired at %s%s", who, exp.UTC().Format(time.RFC3339), hint)
		}
		c.Expiration = exp.UTC()
	}
	return c, nil
}
