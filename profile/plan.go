package profile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/internal/human"
)

// Path is the sequence of STS calls that gets a profile its session.
type Path int

// The four STS paths (docs/internals.md, "STS paths").
const (
	// SessionToken is GetSessionToken with the MFA device and a code.
	SessionToken Path = iota + 1
	// ChainedRole is an MFA session (GetSessionToken, shared by every role
	// on the same device) and then AssumeRole signed with it, with no code.
	ChainedRole
	// RoleWithMFA is AssumeRole with SerialNumber and TokenCode, signed
	// with the long-term keys.
	RoleWithMFA
	// Role is AssumeRole with the long-term keys and no MFA.
	Role
)

// String is the short name shown by list and explain.
func (p Path) String() string {
	switch p {
	case SessionToken:
		return "session-token"
	case ChainedRole:
		return "mfa-session+role"
	case RoleWithMFA:
		return "role-with-mfa"
	case Role:
		return "role"
	}
	return "Path(" + strconv.Itoa(int(p)) + ")"
}

// Layout says where a profile is defined.
type Layout int

const (
	// Config is a standard AWS profile: [profile NAME] in the config file
	// and/or [NAME] in the credentials file, with source_profile chains.
	Config Layout = iota + 1
	// AWSMFA is aws-mfa's layout: [NAME-long-term] in the credentials file
	// holding the long-term keys, aws_mfa_device and assume_role.
	AWSMFA
)

// String is the short name shown by list.
func (l Layout) String() string {
	switch l {
	case Config:
		return "config"
	case AWSMFA:
		return "aws-mfa"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// Origin is where one setting came from: a file and line, an environment
// variable, a flag, or the built-in default. Exactly one of them is set.
type Origin struct {
	File    string
	Line    int
	Env     string // variable name
	Flag    string // flag name with its dashes
	Default bool
}

// String reads "/home/u/.aws/config:12", "env MFA_DEVICE", "flag --device"
// or "default".
func (o Origin) String() string {
	switch {
	case o.File != "":
		return o.File + ":" + strconv.Itoa(o.Line)
	case o.Env != "":
		return "env " + o.Env
	case o.Flag != "":
		return "flag " + o.Flag
	case o.Default:
		return "default"
	}
	return "unknown"
}

// Plan is a profile resolved into everything needed to get its session:
// the long-term keys, the MFA device, the role, the durations and the STS
// path, each setting with its Origin. Resolve only returns valid plans.
type Plan struct {
	Name   string // the profile name as asked
	Layout Layout
	// KeysFrom is the credentials-file section that holds the long-term
	// keys ("x-long-term", "default", the end of a source_profile chain).
	KeysFrom string
	// ShortTerm is the credentials-file section aws-mfa writes the session
	// into (`awsmfa write`): NAME, or NAME-SUFFIX with --short-term-suffix.
	// It is "" when that section is the one holding the long-term keys
	// (a standard profile with its keys in [NAME]): writing there would
	// destroy them.
	ShortTerm string
	// ShortTermFound is true when the credentials file has the ShortTerm
	// section (aws-mfa's, or one `awsmfa write` made), which may then serve
	// as the session.
	ShortTermFound bool
	// LongTerm holds AccessKeyID and SecretAccessKey only. With Keyring
	// set, SecretAccessKey is empty: the secret is in the system keyring.
	LongTerm creds.Credentials
	// Keyring is the awsmfa_keyring value of the long-term section (a
	// backend name, or "auto") when the secret access key is kept in the
	// system keyring; "" when it is in the file.
	Keyring string

	MFASerial string // device ARN or hardware serial; "" for Role
	// RoleARN is the role Path assumes: "" for SessionToken; for a role
	// chain, its first role (TargetRole is the last). ExternalID,
	// RoleSessionName and RoleDuration are this role's too.
	RoleARN         string
	ExternalID      string
	RoleSessionName string // set whenever RoleARN is
	Region          string // "" when no file names one
	MFAProcess      string // command that prints a code, run by session
	// KeysProcess is the credential_process command of the profile in
	// KeysFrom when that profile holds no keys of its own: session runs it
	// for the keys only when it has to call STS. LongTerm is then empty.
	KeysProcess string

	// RoleProfile is the profile that names RoleARN when the plan is a role
	// chain; "" otherwise.
	RoleProfile string
	// Chain holds the further roles of a role chain, in order: each is
	// assumed with the session of the role before it (RoleARN's session
	// for the first). Empty when the profile is no chain.
	Chain []Hop

	// SessionDuration is the GetSessionToken duration (SessionToken and
	// ChainedRole paths); zero otherwise.
	SessionDuration time.Duration
	// RoleDuration is the AssumeRole duration (the three role paths); zero
	// for SessionToken.
	RoleDuration time.Duration

	Path Path
	// Files are the two files the plan was read from (whether or not they
	// exist), for commands that write back (write, setup).
	Files Files

	// Origins holds, for each setting that has a value, where it came from.
	// Keys: "profile", "aws_access_key_id", "awsmfa_keyring", "mfa_serial", "role_arn",
	// "external_id", "role_session_name", "duration" (the duration of the
	// session the user gets: RoleDuration on role paths, SessionDuration on
	// SessionToken), "session_duration" (the MFA session's duration on the
	// ChainedRole path), "region", "mfa_process".
	Origins map[string]Origin
}

// MaxChainedRoles is how many roles a chain may have, first role included.
const MaxChainedRoles = 5

// Hop is one role of a role chain after the first: an AssumeRole signed
// with the session of the role before it, with no code. AWS caps such a
// session at one hour.
type Hop struct {
	Profile         string // the profile that names the role
	RoleARN         string
	ExternalID      string
	RoleSessionName string
	Duration        time.Duration
	// Origins holds where role_arn, external_id, role_session_name and
	// duration came from.
	Origins map[string]Origin
}

// TargetRole is the role whose session the plan gets: the last role of a
// chain, else RoleARN.
func (p *Plan) TargetRole() string {
	if n := len(p.Chain); n > 0 {
		return p.Chain[n-1].RoleARN
	}
	return p.RoleARN
}

// Describe says in one sentence which STS path the plan takes and why.
func (p *Plan) Describe() string {
	switch p.Path {
	case SessionToken:
		return fmt.Sprintf("GetSessionToken with MFA device %s for %s: the profile has an MFA device and no role",
			p.MFASerial, human.Duration(p.SessionDuration))
	case ChainedRole:
		return fmt.Sprintf("an MFA session of %s (GetSessionToken, shared by every role on device %s), then AssumeRole signed with it for %s: "+
			"the role session is at most 1 hour, so one code serves every role on this device until the MFA session expires",
			human.Duration(p.SessionDuration), p.MFASerial, human.Duration(p.RoleDuration))
	case RoleWithMFA:
		return fmt.Sprintf("AssumeRole with MFA device %s and a code, signed with the long-term keys, for %s: "+
			"a role session longer than 1 hour cannot be signed with an MFA session", p.MFASerial, human.Duration(p.RoleDuration))
	case Role:
		return fmt.Sprintf("AssumeRole signed with the long-term keys for %s, no MFA: the profile has a role and no MFA device",
			human.Duration(p.RoleDuration))
	}
	return p.Path.String()
}

// DescribeChain says how a role chain is assumed; "" when the plan is no
// chain.
func (p *Plan) DescribeChain() string {
	if len(p.Chain) == 0 {
		return ""
	}
	names := []string{p.RoleProfile}
	for _, h := range p.Chain {
		names = append(names, h.Profile)
	}
	return fmt.Sprintf("role chain %s: the first role as above, then each further role assumed with the session of the one before it, no code; "+
		"AWS caps a chained role session at %s whatever the role allows", strings.Join(names, " → "), human.Duration(maxChained))
}

// DescribeKeys says where the long-term keys come from when a command
// supplies them; "" otherwise.
func (p *Plan) DescribeKeys() string {
	if p.KeysProcess == "" {
		return ""
	}
	s := fmt.Sprintf("the long-term keys come from the credential_process of [%s], run only when STS must be called (never on a cache hit), "+
		"so the cache is keyed by that profile and command, not by the keys it prints", p.KeysFrom)
	switch p.Path {
	case SessionToken:
		s += "; if it prints keys with a session token, GetSessionToken cannot use them and the command fails: give the profile a role_arn"
	case ChainedRole:
		s += "; if it prints keys with a session token, GetSessionToken cannot use them, so the role is assumed with them directly, with the code"
	}
	return s
}

// Setting is one resolved setting as `awsmfa explain` shows it.
type Setting struct {
	Key    string // the name used in Origins
	Value  string // as shown to the user; never a secret
	Origin Origin
}

// Settings lists the plan's settings that have a value, in a fixed order,
// each with its origin. The secret key and session tokens are never among
// them; the access key id is.
func (p *Plan) Settings() []Setting {
	var out []Setting
	add := func(key, value string) {
		if o, ok := p.Origins[key]; ok && value != "" {
			out = append(out, Setting{Key: key, Value: value, Origin: o})
		}
	}
	add("profile", p.Name)
	add("aws_access_key_id", p.LongTerm.AccessKeyID+" (in ["+p.KeysFrom+"])")
	add("credential_process", p.KeysProcess+" (in ["+p.KeysFrom+"])")
	add(KeyringKey, p.Keyring)
	add("mfa_serial", p.MFASerial)
	add("mfa_process", p.MFAProcess)
	add("role_arn", p.RoleARN)
	add("external_id", p.ExternalID)
	add("role_session_name", p.RoleSessionName)
	switch p.Path {
	case SessionToken:
		add("duration", human.Duration(p.SessionDuration))
	case ChainedRole:
		add("duration", human.Duration(p.RoleDuration))
		add("session_duration", human.Duration(p.SessionDuration))
	default:
		add("duration", human.Duration(p.RoleDuration))
	}
	add("region", p.Region)
	return out
}
