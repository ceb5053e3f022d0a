package main

import (
	"os/user"

	"github.com/awsmfa/awsmfa/profile"
)

// loginName finds the user's login name as aws-mfa does (Python's
// getpass.getuser): the first of LOGNAME, USER, LNAME and USERNAME that is
// set, then the password database. from says where it came from; both are
// "" when none has it.
func loginName(getenv func(string) string) (name, from string) {
	for _, k := range [...]string{"LOGNAME", "USER", "LNAME", "USERNAME"} {
		if v := getenv(k); v != "" {
			return v, "$" + k
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, "the password database"
	}
	return "", ""
}

// sessionNameWhy is explain's note on a default role session name: which
// default applies to the plan, and why.
func (a *app) sessionNameWhy(p *profile.Plan) string {
	if p.RoleARN == "" || !p.Origins["role_session_name"].Default {
		return ""
	}
	name, from := loginName(a.getenv)
	if p.Layout == profile.AWSMFA && name != "" && p.RoleSessionName == name {
		return "role session name: aws-mfa's default, your login name (from " + from + "), since " + p.Name +
			" is in aws-mfa's layout; --role-session-name or role_session_name overrides it\n"
	}
	why := "for a standard config profile"
	if p.Layout == profile.AWSMFA {
		why = "since your login name is unknown (aws-mfa's default for its layout)"
	}
	return "role session name: awsmfa's default, awsmfa-$USER, " + why + "; --role-session-name or role_session_name overrides it\n"
}
