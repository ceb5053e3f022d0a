// Package profile reads ~/.aws/config and ~/.aws/credentials and resolves a
// profile name into a Plan: the long-term keys, the MFA device, the role,
// the durations and the STS path, each setting validated and traced to the
// file and line, environment variable, flag or default it came from.
//
// A name resolves from three sources:
//
//  1. A standard AWS profile: [profile NAME] in the config file merged with
//     [NAME] in the credentials file (the credentials file wins, as in the
//     AWS CLI), with mfa_serial, role_arn, source_profile, external_id,
//     role_session_name, duration_seconds, region and mfa_process, and
//     source_profile chains down to the profile that holds the keys.
//  2. aws-mfa's layout: [NAME-long-term] in the credentials file with
//     aws_access_key_id, aws_secret_access_key, aws_mfa_device, assume_role.
//  3. aws-mfa's environment (MFA_DEVICE, MFA_ASSUME_ROLE, MFA_STS_DURATION)
//     and flags, which override both.
//
// The files are read in the AWS CLI's own INI dialect (internal/awsini); a
// file the CLI would refuse is refused with its file and line.
//
// Region: the profile's region, else the region of [default] in the config
// file, else none. AWS_REGION and AWS_DEFAULT_REGION are not read: after one
// `awsmfa env` they usually hold the previous profile's region (which env
// removes for a profile with no region).
package profile

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Files names the two AWS files. An empty field means the default
// (~/.aws/config, ~/.aws/credentials), overridden by AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE read through Resolver.Getenv.
type Files struct {
	Config      string
	Credentials string
}

// Resolver resolves profile names. Everything it depends on outside the
// files is injected, so tests can drive it.
type Resolver struct {
	Getenv   func(string) string // the environment (os.Getenv in main); nil means empty
	HomeDir  string              // for ~ expansion, the default file paths and messages
	Username string              // for the default role session name of standard profiles
	// LoginName is the user's login name as aws-mfa finds it (LOGNAME,
	// USER, LNAME, USERNAME, then the password database): aws-mfa's
	// default role session name, used for profiles in its layout. Empty
	// means unknown, and awsmfa's own default applies.
	LoginName string
	Files     Files // explicit paths; empty fields mean the defaults

	chunk int // the buffer Resolve streams a large file through: 0 means awsini.ChunkSize; tests make it small, or -1 to read files whole
}

// Options are the command-line flags. Zero values mean "not given".
type Options struct {
	Profile         string
	Device          string // --device
	AssumeRole      string // --assume-role
	RoleSessionName string // --role-session-name
	ExternalID      string // --external-id
	Duration        time.Duration
	LongTermSuffix  *string // --long-term-suffix; nil or "" mean "long-term" (as in aws-mfa), "none" means no suffix
	ShortTermSuffix *string // --short-term-suffix; nil, "" or "none" mean no suffix
}

// Environment variables read by Resolve.
const (
	EnvProfile            = "AWS_PROFILE"
	EnvConfigFile         = "AWS_CONFIG_FILE"
	EnvCredentialsFile    = "AWS_SHARED_CREDENTIALS_FILE"
	EnvDevice             = "MFA_DEVICE"
	EnvDuration           = "MFA_STS_DURATION"
	EnvAssumeRole         = "MFA_ASSUME_ROLE"
	EnvMFASessionDuration = "AWSMFA_MFA_SESSION_DURATION"
)

func (r *Resolver) getenv(name string) string {
	if r.Getenv == nil {
		return ""
	}
	return r.Getenv(name)
}

// Paths returns the two files Resolve reads: Files, else the environment,
// else the defaults under HomeDir.
func (r *Resolver) Paths() (Files, error) {
	cfg, err := r.path(r.Files.Config, EnvConfigFile, "config")
	if err != nil {
		return Files{}, err
	}
	cred, err := r.path(r.Files.Credentials, EnvCredentialsFile, "credentials")
	if err != nil {
		return Files{}, err
	}
	return Files{Config: cfg, Credentials: cred}, nil
}

func (r *Resolver) path(explicit, env, base string) (string, error) {
	p := explicit
	if p == "" {
		p = r.getenv(env)
	}
	if p == "" {
		if r.HomeDir == "" {
			return "", fmt.Errorf("cannot find your home directory to read ~/.aws/%s\nset HOME, or %s to the file's path", base, env)
		}
		return filepath.Join(r.HomeDir, ".aws", base), nil
	}
	// Like the AWS CLI, expand ~ and $VARIABLES in the path.
	p = r.expand(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if r.HomeDir == "" {
			return "", fmt.Errorf("cannot expand ~ in %s: no home directory\nset HOME, or give %s as an absolute path", env, env)
		}
		p = filepath.Join(r.HomeDir, p[1:])
	}
	return p, nil
}

// expand replaces $NAME and ${NAME} by their values, leaving unset ones as
// they are (Python's os.path.expandvars).
func (r *Resolver) expand(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		j, name := i+1, ""
		if j < len(s) && s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				b.WriteByte(s[i])
				continue
			}
			name, j = s[j+1:j+k], j+k+1
		} else {
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			name = s[i+1 : j]
		}
		if v := r.getenv(name); name != "" && v != "" {
			b.WriteString(v)
			i = j - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// display shortens a path under the home directory to ~/... for messages.
func (r *Resolver) display(p string) string { return Tilde(r.HomeDir, p) }

// Tilde shows path as ~/... when it is under home, for messages; any other
// path, or any path when home is empty or the root, is returned as it is.
func Tilde(home, path string) string {
	home = filepath.Clean(home)
	if home == "." || home == string(filepath.Separator) {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return "~/" + rel
	}
	return path
}
