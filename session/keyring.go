package session

import (
	"context"
	"fmt"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/wait"
	"github.com/awsmfa/awsmfa/profile"
)

// fromKeyring returns the plan's long-term keys, reading the secret from the
// keyring (Getter.Secret) when the plan keeps it there. The clock of the
// command's deadline stops meanwhile: a keyring may ask a person to unlock
// it, as a code source asks for a code.
func (g *Getter) fromKeyring(ctx context.Context, p *profile.Plan) (creds.Credentials, error) {
	if p.Keyring == "" || p.LongTerm.SecretAccessKey != "" {
		return p.LongTerm, nil
	}
	if g.Secret == nil {
		return creds.Credentials{}, fmt.Errorf("profile %s keeps its secret access key in the system keyring, which this command cannot read", p.Name)
	}
	resume := wait.Pause(ctx)
	secret, err := g.Secret(ctx, p)
	resume()
	if err != nil {
		return creds.Credentials{}, err
	}
	g.log().Debug("read the secret access key from the keyring", "access_key_id", p.LongTerm.AccessKeyID)
	return creds.Credentials{AccessKeyID: p.LongTerm.AccessKeyID, SecretAccessKey: secret}, nil
}
