package profile

// DefaultCredentials reports the first setting of the default profile
// ([default] in the credentials file, [default] or [profile default] in the
// config file) that gives an AWS SDK credentials of its own: access keys, a
// role, or a foreign source such as credential_process or SSO. An SDK whose
// environment names no profile takes those before a container credentials
// endpoint, such as the one `awsmfa exec --server` serves. It returns the
// key and where it is set (file:line, with ~ for the home directory), or
// two empty strings when the default profile sets none.
func (r *Resolver) DefaultCredentials() (key, where string, err error) {
	rs, err := r.load(Options{}, true)
	if err != nil {
		return "", "", err
	}
	defer rs.close()
	v, err := rs.standard("default")
	if err != nil {
		return "", "", err
	}
	keys := append([]string{"aws_access_key_id", "role_arn"}, foreign[:]...)
	for _, k := range keys {
		s, err := v.get(k)
		if err != nil {
			return "", "", err
		}
		if s.set() {
			return k, rs.where(s.origin), nil
		}
	}
	return "", "", nil
}
