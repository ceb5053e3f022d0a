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
func (rs *resolution) roleChain(name string, v *standardProfile) ([]string, error) {
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
		next, err := rs.standard(src.value)
		if err != nil {
			return nil, err
		}
		if !next.exists || !next.has("role_arn") {
			return chain, nil // the keys' profile; fromStandard checks it
		}
		for _, seen := range chain {
			if seen == src.value {
				return nil, fmt.Errorf("role chain loop: %s → %s (source_profile at %s)\nmake the chain end at a profile that holds the long-term keys",
					strings.Join(chain, " → "), src.value, rs.where(src.origin))
			}
		}
		chain = append(chain, src.value)
		if len(chain) > MaxChainedRoles {
			return nil, fmt.Errorf("role chain %s … has more than %d roles (source_profile at %s)\nAWS CLI users rarely need more than two; shorten the chain to at most %d roles",
				strings.Join(chain, " → "), MaxChainedRoles, rs.where(src.origin), MaxChainedRoles)
		}
		cur = next
	}
}

// resolveChain resolves a role chain: chain[len-1] is the first role,
// resolved like any role profile (its MFA device, code and STS path), and
// each profile before it in chain is one Hop. The flags and variables that
// set a role, its duration, session name and external id apply to the
// last role, chain[0].
func (rs *resolution) resolveChain(chain []string, nameOrigin Origin) (*Plan, error) {
	first := chain[len(chain)-1]
	firstRole := *rs
	firstRole.chainBase = true
	firstRole.opt.AssumeRole, firstRole.opt.Duration, firstRole.opt.RoleSessionName, firstRole.opt.ExternalID = "", 0, "", ""
	base, err := firstRole.resolve(first, nameOrigin)
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
		h, err := rs.hop(&p, chain[i], i == 0, route)
		if err != nil {
			return nil, err
		}
		p.Chain = append(p.Chain, h)
	}
	p.ShortTerm = rs.shortName(p.Name)
	i, err := rs.cred.lookup(p.ShortTerm)
	if err != nil {
		return nil, err
	}
	p.ShortTermFound = i >= 0
	return &p, nil
}

// hop reads one further role of a chain from its profile; last is true for
// the role whose session the user gets, to which the flags apply.
func (rs *resolution) hop(p *Plan, name string, last bool, route string) (Hop, error) {
	v, err := rs.standard(name)
	if err != nil {
		return Hop{}, err
	}
	if err := rs.checkForeign(v, name); err != nil {
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
		return Hop{}, fmt.Errorf("profile %q sets mfa_serial (%s), but it is a later role of the chain %s: it is assumed with the role session before it, which cannot carry a code\n"+
			"put mfa_serial on [profile %s], the first role of the chain, and remove it here",
			name, rs.where(device.origin), route, p.RoleProfile)
	}
	var durFlag string
	if last {
		role = rs.pick(rs.opt.AssumeRole, "--assume-role", EnvAssumeRole, role)
		ext = rs.pick(rs.opt.ExternalID, "--external-id", "", ext)
		rsn = rs.pick(rs.opt.RoleSessionName, "--role-session-name", "", rsn)
		if rs.opt.Duration != 0 {
			if rs.opt.Duration < 0 || rs.opt.Duration%time.Second != 0 {
				return Hop{}, fmt.Errorf("--duration %v is not a whole number of seconds\ngive seconds, e.g. --duration 3600", rs.opt.Duration)
			}
			durFlag = fmt.Sprint(int64(rs.opt.Duration / time.Second))
		}
		dur = rs.pick(durFlag, "--duration", EnvDuration, dur)
		if region.set() {
			p.Region = region.value
			p.Origins["region"] = region.origin
		}
	}
	h := Hop{Profile: name, Origins: map[string]Origin{}}
	if problem := checkRoleARN(role.value); problem != "" {
		return Hop{}, fmt.Errorf("role %q (%s) is malformed: %s\nuse the role's ARN, like arn:aws:iam::123456789012:role/NAME", role.value, rs.where(role.origin), problem)
	}
	h.RoleARN, h.Origins["role_arn"] = role.value, role.origin
	if ext.set() {
		if problem := checkExternalID(ext.value); problem != "" {
			return Hop{}, fmt.Errorf("external id (%s) is malformed: %s\nuse the external id the role's trust policy expects", rs.where(ext.origin), problem)
		}
		h.ExternalID, h.Origins["external_id"] = ext.value, ext.origin
	}
	if !rsn.set() {
		rsn = setting{value: DefaultSessionName(rs.r.Username), origin: Origin{Default: true}}
	}
	if problem := checkSessionName(rsn.value); problem != "" {
		return Hop{}, fmt.Errorf("role session name %q (%s) is malformed: %s\nuse 2 to 64 letters, digits and _+=,.@-", rsn.value, rs.where(rsn.origin), problem)
	}
	h.RoleSessionName, h.Origins["role_session_name"] = rsn.value, rsn.origin
	d, err := rs.seconds(dur)
	if err != nil {
		return Hop{}, err
	}
	if d.value > maxChained {
		return Hop{}, fmt.Errorf("duration %d s (%s) is too long for role %s of profile %q: AWS caps a chained role session (%s) at %d s (%s) whatever the role allows\n"+
			"choose %d s or less",
			d.value/time.Second, rs.where(d.origin), role.value, name, route, maxChained/time.Second, human.Duration(maxChained), maxChained/time.Second)
	}
	if d, err = rs.duration(d, maxChained, minRole, maxChained, "a chained AssumeRole"); err != nil {
		return Hop{}, err
	}
	h.Duration, h.Origins["duration"] = d.value, d.origin
	return h, nil
}
