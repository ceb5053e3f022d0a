package profile

import (
	"fmt"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/human"
)

// roleChain returns the role profiles of name's role chain, from name back
// to the first role (the one assumed with the long-term keys), as the AWS
// CLI v2 follows them: a profile with a role_arn whose source_profile has a
// role_arn too is assumed with that profile's role session. A profile that
// is no chain gives one name (or none). A loop or a chain of more than
// MaxChainedRoles roles is an error naming the profiles.
func (w *world) roleChain(name string, v *view) ([]string, error) {
	chain := []string{name}
	for cur := v; ; {
		if !cur.has("role_arn") {
			return chain, nil
		}
		src, err := cur.get("source_profile")
		if err != nil || !src.set() {
			return chain, err
		}
		if src.value == cur.name && keySource(cur) {
			return chain, nil // its own keys, as the AWS CLI reads it
		}
		next, err := w.view(src.value)
		if err != nil {
			return nil, err
		}
		if !next.exists || !next.has("role_arn") {
			return chain, nil // the keys' profile; fromStandard checks it
		}
		for _, seen := range chain {
			if seen == src.value {
				return nil, errorf("role chain loop: %s → %s (source_profile at %s)\nmake the chain end at a profile that holds the long-term keys",
					strings.Join(chain, " → "), src.value, w.where(src.origin))
			}
		}
		chain = append(chain, src.value)
		if len(chain) > MaxChainedRoles {
			return nil, errorf("role chain %s … has more than %d roles (source_profile at %s)\nAWS CLI users rarely need more than two; shorten the chain to at most %d roles",
				strings.Join(chain, " → "), MaxChainedRoles, w.where(src.origin), MaxChainedRoles)
		}
		cur = next
	}
}

// resolveChain resolves a role chain: chain[len-1] is the first role,
// resolved like any role profile (its MFA device, code and STS path), and
// each profile before it in chain is one Hop. The flags and variables that
// set a role, its duration, session name and external id apply to the
// last role, chain[0].
func (w *world) resolveChain(chain []string, nameOrigin Origin) (*Plan, error) {
	first := chain[len(chain)-1]
	bw := *w
	bw.chainBase = true
	bw.opt.AssumeRole, bw.opt.Duration, bw.opt.RoleSessionName, bw.opt.ExternalID = "", 0, "", ""
	base, err := bw.resolve(first, nameOrigin)
	if err != nil {
		return nil, err
	}
	p := *base
	p.Name = chain[0]
	p.RoleProfile = first
	p.Origins = make(map[string]Origin, len(base.Origins))
	for k, o := range base.Origins {
		p.Origins[k] = o
	}
	p.Origins["profile"] = nameOrigin
	shown := make([]string, len(chain))
	for i, n := range chain {
		shown[len(chain)-1-i] = n
	}
	route := strings.Join(shown, " → ")
	for i := len(chain) - 2; i >= 0; i-- {
		h, err := w.hop(&p, chain[i], i == 0, route)
		if err != nil {
			return nil, err
		}
		p.Chain = append(p.Chain, h)
	}
	p.ShortTerm = w.shortName(p.Name)
	i, err := w.cred.lookup(p.ShortTerm)
	if err != nil {
		return nil, err
	}
	p.ShortTermFound = i >= 0
	return &p, nil
}

// hop reads one further role of a chain from its profile; last is true for
// the role whose session the user gets, to which the flags apply.
func (w *world) hop(p *Plan, name string, last bool, route string) (Hop, error) {
	v, err := w.view(name)
	if err != nil {
		return Hop{}, err
	}
	if err := w.checkForeign(v, name); err != nil {
		return Hop{}, err
	}
	get := func(key string) setting {
		if err != nil {
			return setting{}
		}
		var s setting
		s, err = v.get(key)
		return s
	}
	role, ext, rsn, dur := get("role_arn"), get("external_id"), get("role_session_name"), get("duration_seconds")
	device, region := get("mfa_serial"), get("region")
	if err != nil {
		return Hop{}, err
	}
	if device.set() && device.value != p.MFASerial {
		return Hop{}, errorf("profile %q sets mfa_serial (%s), but it is a later role of the chain %s: it is assumed with the role session before it, which cannot carry a code\n"+
			"put mfa_serial on [profile %s], the first role of the chain, and remove it here",
			name, w.where(device.origin), route, p.RoleProfile)
	}
	var durFlag string
	if last {
		role = w.pick(w.opt.AssumeRole, "--assume-role", EnvAssumeRole, role)
		ext = w.pick(w.opt.ExternalID, "--external-id", "", ext)
		rsn = w.pick(w.opt.RoleSessionName, "--role-session-name", "", rsn)
		if w.opt.Duration != 0 {
			if w.opt.Duration < 0 || w.opt.Duration%time.Second != 0 {
				return Hop{}, errorf("--duration %v is not a whole number of seconds\ngive seconds, e.g. --duration 3600", w.opt.Duration)
			}
			durFlag = fmt.Sprint(int64(w.opt.Duration / time.Second))
		}
		dur = w.pick(durFlag, "--duration", EnvDuration, dur)
		if region.set() {
			p.Region = region.value
			p.Origins["region"] = region.origin
		}
	}
	h := Hop{Profile: name, Origins: map[string]Origin{}}
	if problem := checkRoleARN(role.value); problem != "" {
		return Hop{}, errorf("role %q (%s) is malformed: %s\nuse the role's ARN, like arn:aws:iam::123456789012:role/NAME", role.value, w.where(role.origin), problem)
	}
	h.RoleARN, h.Origins["role_arn"] = role.value, role.origin
	if ext.set() {
		if problem := checkExternalID(ext.value); problem != "" {
			return Hop{}, errorf("external id (%s) is malformed: %s\nuse the external id the role's trust policy expects", w.where(ext.origin), problem)
		}
		h.ExternalID, h.Origins["external_id"] = ext.value, ext.origin
	}
	if !rsn.set() {
		rsn = setting{value: DefaultSessionName(w.r.Username), origin: Origin{Default: true}}
	}
	if problem := checkSessionName(rsn.value); problem != "" {
		return Hop{}, errorf("role session name %q (%s) is malformed: %s\nuse 2 to 64 letters, digits and _+=,.@-", rsn.value, w.where(rsn.origin), problem)
	}
	h.RoleSessionName, h.Origins["role_session_name"] = rsn.value, rsn.origin
	d, err := w.seconds(dur)
	if err != nil {
		return Hop{}, err
	}
	if d.value > maxChained {
		return Hop{}, errorf("duration %d s (%s) is too long for role %s of profile %q: AWS caps a chained role session (%s) at %d s (%s) whatever the role allows\n"+
			"choose %d s or less",
			d.value/time.Second, w.where(d.origin), role.value, name, route, maxChained/time.Second, human.Duration(maxChained), maxChained/time.Second)
	}
	if d, err = w.duration(d, maxChained, minRole, maxChained, "a chained AssumeRole"); err != nil {
		return Hop{}, err
	}
	h.Duration, h.Origins["duration"] = d.value, d.origin
	return h, nil
}
