package profile

import "fmt"

// KeyringKey is the key of [NAME-long-term] that says the secret access
// key is in the system keyring rather than in the file. Its value names
// the backend ("secret-service", "pass", "file", …) or is "auto"; the
// access key ID stays in the section, so the cache key and `explain` need
// no keyring.
const KeyringKey = "awsmfa_keyring"

// keyringKeys checks the keyring setting of a long-term section and, when
// it is there, records it in the plan. The secret is not read here:
// session loads it (Plan.Keyring) only when STS must be called, so a cache
// hit never touches the keyring.
func (rs *resolution) keyringKeys(p *Plan, name string, in fileSettings) (handled bool, err error) {
	if !in.keyring.set() {
		return false, nil
	}
	section := "[" + in.keysFrom + "] in " + rs.shown.Credentials
	switch {
	case in.secret.set():
		return true, fmt.Errorf("%s has aws_secret_access_key (%s) and %s (%s): the secret is in the file and the keyring at once\nremove aws_secret_access_key from the file (awsmfa keyring import %s moves it), or remove the %s line",
			section, rs.where(in.secret.origin), KeyringKey, rs.where(in.keyring.origin), commandArg(name), KeyringKey)
	case !in.keyID.set():
		return true, fmt.Errorf("%s has %s (%s) but no aws_access_key_id\nadd the access key id beside it, or run: awsmfa setup %s --keyring --force",
			section, KeyringKey, rs.where(in.keyring.origin), commandArg(name))
	}
	p.LongTerm.AccessKeyID = in.keyID.value
	p.Keyring = in.keyring.value
	p.Origins["aws_access_key_id"] = in.keyID.origin
	p.Origins[KeyringKey] = in.keyring.origin
	return true, nil
}

// CommandArg shows a profile name as one shell word in a command that a
// message tells the user to run (see commandArg).
func CommandArg(name string) string { return commandArg(name) }
