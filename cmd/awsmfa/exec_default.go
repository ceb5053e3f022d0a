package main

// warnDefaultCredentials warns when the default profile holds credentials
// of its own (keys in [default], say): the command exec --server runs gets
// no AWS_PROFILE, so its SDKs take those before the endpoint's, silently.
// A file that cannot be read was reported by the profile's own resolving.
func (a *app) warnDefaultCredentials(req *request) {
	key, where, err := a.resolver().DefaultCredentials()
	if err != nil || key == "" {
		return
	}
	req.log.Warn("[default] sets " + key + " (" + where + "), which AWS SDKs in the command use instead of the --server endpoint\n  move it from [default] to a profile of its own")
}
