package profile

import (
	"fmt"
	"strconv"
	"time"

	"github.com/awsmfa/awsmfa/internal/creds"
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

	MFASerial       string // device ARN or hardware serial; "" for Role
	RoleARN         string // "" for SessionToken
	ExternalID      string
	RoleSessionName string // set whenever RoleARN is
	Region          string // "" when no file names one
	MFAProcess      string // command that prints a code, run by session

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

// Describe says in one sentence which STS path the plan takes and why.
func (p *Plan) Describe() string {
	switch p.Path {
	case SessionToken:
		return fmt.Sprintf("GetSessionToken with MFA device %s for %s: the profile has an MFA device and no role",
			p.MFASerial, human(p.SessionDuration))
	case ChainedRole:
		return fmt.Sprintf("an MFA session of %s (GetSessionToken, shared by every role on device %s), then AssumeRole signed with it for %s: "+
			"the role session is at most 1 hour, so one code serves every role on this device until the MFA session expires",
			human(p.SessionDuration), p.MFASerial, human(p.RoleDuration))
	case RoleWithMFA:
		return fmt.Sprintf("AssumeRole with MFA device %s and a code, signed with the long-term keys, for %s: "+
			"a role session longer than 1 hour cannot be signed with an MFA session", p.MFASerial, human(p.RoleDuration))
	case Role:
		return fmt.Sprintf("AssumeRole signed with the long-term keys for %s, no MFA: the profile has a role and no MFA device",
			human(p.RoleDuration))
	}
	return p.Path.String()
}

// human shows a duration the way people write it: "12h", "1h30m", "15m",
// "90s".
func human(d time.Duration) string {
	s := int64(d / time.Second)
	h, m, sec := s/3600, s%3600/60, s%60
	out := ""
	if h > 0 {
		out += strconv.FormatInt(h, 10) + "h"
	}
	if m > 0 {
		out += strconv.FormatInt(m, 10) + "m"
	}
	if sec > 0 || out == "" {
		out += strconv.FormatInt(sec, 10) + "s"
	}
	return out
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
	add(KeyringKey, p.Keyring)
	add("mfa_serial", p.MFASerial)
	add("mfa_process", p.MFAProcess)
	add("role_arn", p.RoleARN)
	add("external_id", p.ExternalID)
	add("role_session_name", p.RoleSessionName)
	switch p.Path {
	case SessionToken:
		add("duration", human(p.SessionDuration))
	case ChainedRole:
		add("duration", human(p.RoleDuration))
		add("session_duration", human(p.SessionDuration))
	default:
		add("duration", human(p.RoleDuration))
	}
	add("region", p.Region)
	return out
}
