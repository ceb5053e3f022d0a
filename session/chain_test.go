package session

import (
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/profile"
)

// TestChainKeys: each role of a chain has its own cache key, which depends
// on everything before it (so two chains that share a start share its
// sessions, and a change upstream never serves a stale session downstream)
// and on nothing after it.
func TestChainKeys(t *testing.T) {
	base := func() *profile.Plan {
		return &profile.Plan{Name: "deep", Path: profile.ChainedRole, RoleProfile: "jump",
			LongTerm:  creds.Credentials{AccessKeyID: "AKIAEXAMPLE000000001", SecretAccessKey: "s"},
			MFASerial: "arn:aws:iam::123456789012:mfa/demo", RoleARN: "arn:aws:iam::123456789012:role/jump",
			RoleSessionName: "me", RoleDuration: time.Hour, SessionDuration: 12 * time.Hour,
			Chain: []profile.Hop{
				{Profile: "prod", RoleARN: "arn:aws:iam::123456789012:role/prod", RoleSessionName: "me", Duration: time.Hour},
				{Profile: "deep", RoleARN: "arn:aws:iam::123456789012:role/deep", RoleSessionName: "me", Duration: time.Hour},
			}}
	}
	g := &Getter{}
	ref := g.Keys(base())
	if len(ref.Hops) != 3 || ref.Session != ref.Hops[2] || ref.MFA == "" {
		t.Fatalf("keys %+v: want three hops, the last the session, and an MFA session", ref)
	}
	if ref.Hops[0] == ref.Hops[1] || ref.Hops[1] == ref.Hops[2] {
		t.Fatalf("two roles of the chain share a key: %v", ref.Hops)
	}
	// Without the chain, the first role keeps the key it has on its own:
	// 'env jump' and 'env deep' share jump's session.
	alone := base()
	alone.Chain, alone.RoleProfile = nil, ""
	if k := g.Keys(alone); k.Session != ref.Hops[0] || k.MFA != ref.MFA {
		t.Errorf("jump on its own has key %s, in the chain %s", k.Session, ref.Hops[0])
	}
	tests := []struct {
		name    string
		change  func(p *profile.Plan)
		changed int // the first hop whose key changes; 3 for none
		mfa     bool
	}{
		{"another access key", func(p *profile.Plan) { p.LongTerm.AccessKeyID = "AKIAEXAMPLE000000002" }, 0, true},
		{"keys from a command", func(p *profile.Plan) {
			p.LongTerm = creds.Credentials{}
			p.KeysProcess, p.KeysFrom = "pass aws", "keys"
		}, 0, true},
		{"another first role", func(p *profile.Plan) { p.RoleARN = "arn:aws:iam::123456789012:role/other" }, 0, false},
		{"another session name for prod", func(p *profile.Plan) { p.Chain[0].RoleSessionName = "you" }, 1, false},
		{"another external id for prod", func(p *profile.Plan) { p.Chain[0].ExternalID = "ext-id" }, 1, false},
		{"another duration for deep", func(p *profile.Plan) { p.Chain[1].Duration = 30 * time.Minute }, 2, false},
		{"another name for the asked profile", func(p *profile.Plan) { p.Name = "alias" }, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.change(p)
			k := g.Keys(p)
			for i := range k.Hops {
				if same := k.Hops[i] == ref.Hops[i]; same == (i >= tt.changed) {
					t.Errorf("hop %d key changed = %v, want %v", i, !same, i >= tt.changed)
				}
			}
			if (k.MFA != ref.MFA) != tt.mfa {
				t.Errorf("MFA key changed = %v, want %v", k.MFA != ref.MFA, tt.mfa)
			}
		})
	}
}
