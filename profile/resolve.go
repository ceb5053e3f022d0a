package profile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa/awsmfa/internal/human"
)

// Summary is one profile name a user can pass, and the layout it resolves
// from.
type Summary struct {
	Name   string
	Layout Layout
}

// Entry is one profile of List: its name and layout, and either its plan or
// the reason it does not resolve.
type Entry struct {
	Summary
	Plan *Plan
	Err  error
}

// Resolve reads the files and turns opt.Profile (else AWS_PROFILE, else
// "default") into a validated Plan. Every error is meant for the user: it
// names the file and line or the variable at fault and says what to do.
func (r *Resolver) Resolve(opt Options) (*Plan, error) {
	rs, err := r.load(opt, true)
	if err != nil {
		return nil, err
	}
	defer rs.close()
	name, origin := rs.profileName()
	return rs.resolve(name, origin)
}

// Names returns every profile name a user can pass, sorted, with its layout:
// for list, shell completion and the unknown-profile message. The short-term
// sections aws-mfa writes ([NAME] beside [NAME-long-term]) are not names of
// their own.
func (r *Resolver) Names(opt Options) ([]Summary, error) {
	rs, err := r.load(opt, false)
	if err != nil {
		return nil, err
	}
	return rs.names()
}

// List resolves every name Names returns (opt.Profile is ignored). A profile
// that does not resolve is listed with its error rather than failing the
// list.
func (r *Resolver) List(opt Options) ([]Entry, error) {
	rs, err := r.load(opt, false)
	if err != nil {
		return nil, err
	}
	names, err := rs.names()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(names))
	for i, s := range names {
		p, err := rs.resolve(s.Name, Origin{Flag: "--profile"})
		out[i] = Entry{Summary: s, Plan: p, Err: err}
	}
	return out, nil
}

// resolution is one Resolve, Names or List call: the two files it reads,
// as it found them, and the options it reads them with.
type resolution struct {
	r         *Resolver
	opt       Options
	files     Files // absolute paths
	shown     Files // paths as shown in messages
	cfg, cred *file
	longSfx   string // "" for none
	shortSfx  string // "" for none
	// chainBase is set while resolving the first role of a role chain:
	// the flags and variables for the role and its duration are then the
	// last role's, not this one's.
	chainBase bool
}

// load reads the files. stream is for Resolve, which reads a handful of
// sections: a large file is then streamed (see file), and the caller must
// close the resolution.
func (r *Resolver) load(opt Options, stream bool) (*resolution, error) {
	files, err := r.Paths()
	if err != nil {
		return nil, err
	}
	rs := &resolution{r: r, opt: opt, files: files,
		shown: Files{Config: r.display(files.Config), Credentials: r.display(files.Credentials)}}
	rs.longSfx = "long-term"
	if opt.LongTermSuffix != nil && *opt.LongTermSuffix != "" {
		rs.longSfx = *opt.LongTermSuffix
	}
	if strings.EqualFold(rs.longSfx, "none") {
		rs.longSfx = ""
	}
	if opt.ShortTermSuffix != nil && !strings.EqualFold(*opt.ShortTermSuffix, "none") {
		rs.shortSfx = *opt.ShortTermSuffix
	}
	if rs.longSfx == rs.shortSfx {
		return nil, fmt.Errorf("--long-term-suffix and --short-term-suffix are both %q: the long-term keys would be overwritten\ngive them different values", rs.longSfx)
	}
	if rs.cfg, err = loadFile(files.Config, rs.shown.Config, true, stream, r.chunk); err != nil {
		return nil, err
	}
	if rs.cred, err = loadFile(files.Credentials, rs.shown.Credentials, false, stream, r.chunk); err != nil {
		rs.cfg.close()
		return nil, err
	}
	return rs, nil
}

// close releases the files load streamed.
func (rs *resolution) close() {
	rs.cfg.close()
	rs.cred.close()
}

func (rs *resolution) profileName() (string, Origin) {
	if rs.opt.Profile != "" {
		return rs.opt.Profile, Origin{Flag: "--profile"}
	}
	if p := rs.r.getenv(EnvProfile); p != "" {
		return p, Origin{Env: EnvProfile}
	}
	return "default", Origin{Default: true}
}

func (rs *resolution) longName(name string) string {
	if rs.longSfx == "" {
		return name
	}
	return name + "-" + rs.longSfx
}

func (rs *resolution) shortName(name string) string {
	if rs.shortSfx == "" {
		return name
	}
	return name + "-" + rs.shortSfx
}

// setting is one value and where it came from.
type setting struct {
	value  string
	origin Origin
}

func (s setting) set() bool { return s.value != "" }

// standardProfile is a standard profile: its config section merged with
// its credentials section, the credentials file winning as in the AWS CLI.
type standardProfile struct {
	name      string
	cfg, cred props
	cfgFile   *file
	credFile  *file
	exists    bool
}

// standard gathers the sections of the standard profile name in the config
// and credentials files (either may be missing).
func (rs *resolution) standard(name string) (*standardProfile, error) {
	v := &standardProfile{name: name, cfgFile: rs.cfg, credFile: rs.cred}
	i, err := rs.cfg.lookup(name)
	if err != nil {
		return nil, err
	}
	if i >= 0 {
		if v.cfg, err = rs.cfg.props(i); err != nil {
			return nil, err
		}
		v.exists = true
	}
	if i, err = rs.cred.lookup(name); err != nil {
		return nil, err
	}
	if i >= 0 {
		if v.cred, err = rs.cred.props(i); err != nil {
			return nil, err
		}
		v.exists = true
	}
	return v, nil
}

// get returns key's value, or an error when it spans several lines (a
// nested setting where one value was expected).
func (v *standardProfile) get(key string) (setting, error) {
	if e, ok := v.cred.get(key); ok {
		return entrySetting(v.credFile, e)
	}
	if e, ok := v.cfg.get(key); ok {
		return entrySetting(v.cfgFile, e)
	}
	return setting{}, nil
}

// has reports whether key is set to a non-empty value.
func (v *standardProfile) has(key string) bool {
	s, err := v.get(key)
	return err != nil || s.set()
}

func entrySetting(f *file, e entry) (setting, error) {
	if e.multiline {
		return setting{}, &SyntaxError{File: f.display, Line: e.line,
			Msg: fmt.Sprintf("%s has a nested value on indented lines; it must be a single value", e.key)}
	}
	return setting{value: e.value, origin: Origin{File: f.path, Line: e.line}}, nil
}

// sectionSetting reads key from a props of file f.
func sectionSetting(f *file, p props, key string) (setting, error) {
	if e, ok := p.get(key); ok {
		return entrySetting(f, e)
	}
	return setting{}, nil
}

// foreign are the keys of profiles whose credentials come from elsewhere
// than long-term keys; awsmfa has nothing to add to them.
var foreign = [...]string{"credential_process", "credential_source", "sso_session", "sso_start_url",
	"sso_account_id", "sso_role_name", "web_identity_token_file"}

func (rs *resolution) checkForeign(v *standardProfile, asked string) error {
	for _, k := range foreign {
		if k == "credential_process" && (v.name != asked || v.has("mfa_serial") || v.has("role_arn")) {
			// The source of the long-term keys, to which awsmfa adds MFA.
			continue
		}
		s, err := v.get(k)
		if err != nil {
			return err
		}
		if s.set() {
			who := fmt.Sprintf("profile %q", asked)
			if v.name != asked {
				who = fmt.Sprintf("profile %q (source of %q)", v.name, asked)
			}
			return fmt.Errorf("%s gets its credentials from %s (%s), not from long-term keys and MFA\nuse it with the AWS CLI directly; awsmfa is for profiles with long-term access keys",
				who, k, rs.where(s.origin))
		}
	}
	return nil
}

// where shows an origin in a message, with ~ for the home directory.
func (rs *resolution) where(o Origin) string {
	if o.File != "" {
		return rs.r.display(o.File) + ":" + strconv.Itoa(o.Line)
	}
	return o.String()
}

// isStandard reports whether name is a standard profile that takes
// precedence over an aws-mfa long-term section of the same name: its merged
// sections set a role, a source profile, an MFA device, a foreign credential
// source, or (when the long-term section is not [NAME] itself) long-term
// keys.
func (rs *resolution) isStandard(v *standardProfile) bool {
	if !v.exists {
		return false
	}
	for _, k := range [...]string{"role_arn", "source_profile", "mfa_serial"} {
		if v.has(k) {
			return true
		}
	}
	for _, k := range foreign {
		if v.has(k) {
			return true
		}
	}
	return rs.longSfx != "" && v.has("aws_access_key_id") && !v.has("aws_session_token")
}

// classify returns the layout name resolves from, or ok false when nothing
// defines it.
func (rs *resolution) classify(name string) (v *standardProfile, l Layout, err error) {
	if v, err = rs.standard(name); err != nil {
		return nil, 0, err
	}
	if rs.isStandard(v) {
		return v, Config, nil
	}
	i, err := rs.cred.lookup(rs.longName(name))
	switch {
	case err != nil:
		return nil, 0, err
	case i >= 0:
		return v, AWSMFA, nil
	case v.exists:
		return v, Config, nil
	}
	return v, 0, nil
}

func (rs *resolution) names() ([]Summary, error) {
	if err := rs.cfg.checkAll(); err != nil {
		return nil, err
	}
	if err := rs.cred.checkAll(); err != nil {
		return nil, err
	}
	cand := make(map[string]bool, len(rs.cfg.ix.Sections)+len(rs.cred.ix.Sections))
	// A long-term section stands for its base name; so does its config
	// twin, which `aws configure --profile NAME-long-term` writes.
	for _, f := range []*file{rs.cfg, rs.cred} {
		for _, s := range f.ix.Sections {
			n := s.Name
			if n == "" {
				continue
			}
			if base, ok := strings.CutSuffix(n, "-"+rs.longSfx); ok && rs.longSfx != "" && base != "" {
				if i, err := rs.cred.lookup(n); err != nil {
					return nil, err
				} else if i >= 0 {
					n = base
				}
			}
			cand[n] = true
		}
	}
	layouts := make(map[string]Layout, len(cand))
	standard := make(map[string]bool, len(cand))
	for n := range cand {
		v, l, err := rs.classify(n)
		if err != nil {
			return nil, err
		}
		if l != 0 {
			layouts[n] = l
			standard[n] = rs.isStandard(v)
		}
	}
	// The short-term section of an aws-mfa profile is that profile's
	// output, not a profile of its own.
	for n, l := range layouts {
		if s := rs.shortName(n); l == AWSMFA && s != n && !standard[s] {
			delete(layouts, s)
		}
	}
	out := make([]Summary, 0, len(layouts))
	for n, l := range layouts {
		out = append(out, Summary{Name: n, Layout: l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (rs *resolution) unknown(name string) error {
	names, err := rs.names()
	if err != nil {
		return err
	}
	e := &UnknownProfileError{Name: name, Files: rs.shown, NoFiles: !rs.cfg.exists && !rs.cred.exists}
	for _, s := range names {
		e.Known = append(e.Known, s.Name)
	}
	// A common slip: [dev] in the config file, where profiles are written
	// [profile dev] (the AWS CLI ignores [dev] there too).
	for _, s := range rs.cfg.ix.Sections {
		if s.Header == name && s.Name == "" {
			e.Misplaced = fmt.Sprintf("%s:%d", rs.shown.Config, s.Line)
			break
		}
	}
	return e
}

// fileSettings are a profile's settings from the files, before flags and
// environment.
type fileSettings struct {
	keyID, secret, token setting
	keysFrom             string
	device, role         setting
	externalID, rsn      setting
	duration, sessionDur setting
	region, mfaProcess   setting
	process              setting // credential_process of keysFrom
	keyring              setting // awsmfa_keyring (keyring.go)
}

func (rs *resolution) resolve(name string, nameOrigin Origin) (*Plan, error) {
	v, layout, err := rs.classify(name)
	if err != nil {
		return nil, err
	}
	if layout == 0 {
		return nil, rs.unknown(name)
	}
	if layout == Config && !rs.chainBase {
		chain, err := rs.roleChain(name, v)
		if err != nil {
			return nil, err
		}
		if len(chain) > 1 {
			return rs.resolveChain(chain, nameOrigin)
		}
	}
	var in fileSettings
	if layout == AWSMFA {
		in, err = rs.fromLongTerm(name)
	} else {
		in, err = rs.fromStandard(name, v)
	}
	if err != nil {
		return nil, err
	}
	p := &Plan{
		Name:      name,
		Layout:    layout,
		KeysFrom:  in.keysFrom,
		ShortTerm: rs.shortName(name),
		Files:     rs.files,
		Origins:   map[string]Origin{"profile": nameOrigin},
	}
	if err := rs.keys(p, name, layout, in); err != nil {
		return nil, err
	}
	if p.ShortTerm == p.KeysFrom && p.Origins["aws_access_key_id"].File == rs.files.Credentials {
		// Writing a session there would destroy the long-term keys.
		p.ShortTerm = ""
	}
	if p.ShortTerm != "" {
		i, err := rs.cred.lookup(p.ShortTerm)
		if err != nil {
			return nil, err
		}
		p.ShortTermFound = i >= 0
	}
	if err := rs.finish(p, in); err != nil {
		return nil, err
	}
	return p, nil
}

// fromStandard reads a standard profile, following source_profile to the
// profile that holds the keys.
func (rs *resolution) fromStandard(name string, v *standardProfile) (in fileSettings, err error) {
	if err := rs.checkForeign(v, name); err != nil {
		return in, err
	}
	get := func(v *standardProfile, key string, dst *setting) {
		if err == nil && !dst.set() {
			var s setting
			s, err = v.get(key)
			if s.set() {
				*dst = s
			}
		}
	}
	get(v, "role_arn", &in.role)
	get(v, "mfa_serial", &in.device)
	get(v, "external_id", &in.externalID)
	get(v, "role_session_name", &in.rsn)
	get(v, "duration_seconds", &in.duration)
	get(v, "mfa_session_duration", &in.sessionDur)
	get(v, "region", &in.region)
	get(v, "mfa_process", &in.mfaProcess)
	var source setting
	get(v, "source_profile", &source)
	if err != nil {
		return in, err
	}

	// The keys: the profile's own, or those at the end of its
	// source_profile chain (keys, or a credential_process that prints
	// them). A role profile whose source has a role too is a role chain,
	// resolved before this (resolveChain); a role_arn met further down is
	// an error.
	keys := v
	ownKeys := v.has("aws_access_key_id") || v.has("aws_secret_access_key") || v.has("aws_session_token")
	if source.set() && (in.role.set() || !ownKeys) && !(source.value == name && keySource(v)) {
		chain := []string{name}
		cur, via := source.value, source
		for {
			if cur == chain[len(chain)-1] && ownKeysOf(keys) {
				break // source_profile naming itself: its own keys
			}
			for _, seen := range chain {
				if seen == cur {
					return in, fmt.Errorf("source_profile loop: %s → %s (%s)\nmake the chain end at a profile that holds aws_access_key_id",
						strings.Join(chain, " → "), cur, rs.where(via.origin))
				}
			}
			var next *standardProfile
			if next, err = rs.standard(cur); err != nil {
				return in, err
			}
			if !next.exists {
				return in, fmt.Errorf("profile %q: its source_profile %q (%s) does not exist\nadd [%s] with the long-term keys to %s, or fix source_profile",
					chain[len(chain)-1], cur, rs.where(via.origin), cur, rs.shown.Credentials)
			}
			if err := rs.checkForeign(next, name); err != nil {
				return in, err
			}
			var r setting
			if r, err = next.get("role_arn"); err != nil {
				return in, err
			} else if r.set() {
				// A role profile whose source has a role is a chain
				// (roleChain); this is a profile without a role of its own
				// whose source has one, or a role deeper down the chain.
				return in, fmt.Errorf("profile %q: its source profile %q has a role_arn (%s), but the profile before it in the chain has none\n"+
					"give every profile of a role chain a role_arn, or point source_profile at the profile that holds the long-term keys",
					name, cur, rs.where(r.origin))
			}
			// aws-vault style: the MFA device (and how to get a code) may
			// sit on the source profile.
			get(next, "mfa_serial", &in.device)
			get(next, "mfa_process", &in.mfaProcess)
			if err != nil {
				return in, err
			}
			chain = append(chain, cur)
			keys = next
			if keySource(next) {
				break
			}
			var s setting
			if s, err = next.get("source_profile"); err != nil {
				return in, err
			}
			if !s.set() {
				break
			}
			cur, via = s.value, s
		}
	}
	if in.keyID, err = keys.get("aws_access_key_id"); err != nil {
		return in, err
	}
	if in.secret, err = keys.get("aws_secret_access_key"); err != nil {
		return in, err
	}
	if in.token, err = keys.get("aws_session_token"); err != nil {
		return in, err
	}
	if !ownKeysOf(keys) {
		if in.process, err = keys.get("credential_process"); err != nil {
			return in, err
		}
	}
	in.keysFrom = keys.name
	if !in.region.set() {
		in.region, err = rs.defaultRegion()
	}
	return in, err
}

func ownKeysOf(v *standardProfile) bool {
	return v.has("aws_access_key_id") || v.has("aws_secret_access_key") || v.has("aws_session_token")
}

// keySource reports whether v holds long-term keys or a command that
// prints them.
func keySource(v *standardProfile) bool {
	return ownKeysOf(v) || v.has("credential_process")
}

// defaultRegion is the region of [default] in the config file.
func (rs *resolution) defaultRegion() (setting, error) {
	i, err := rs.cfg.lookup("default")
	if err != nil || i < 0 {
		return setting{}, err
	}
	p, err := rs.cfg.props(i)
	if err != nil {
		return setting{}, err
	}
	return sectionSetting(rs.cfg, p, "region")
}

// fromLongTerm reads aws-mfa's [NAME-long-term] section.
func (rs *resolution) fromLongTerm(name string) (in fileSettings, err error) {
	lt := rs.longName(name)
	i, err := rs.cred.lookup(lt)
	if err != nil {
		return in, err
	}
	p, err := rs.cred.props(i)
	if err != nil {
		return in, err
	}
	get := func(dst *setting, keys ...string) {
		for _, k := range keys {
			if err != nil || dst.set() {
				return
			}
			*dst, err = sectionSetting(rs.cred, p, k)
		}
	}
	get(&in.keyID, "aws_access_key_id")
	get(&in.secret, "aws_secret_access_key")
	get(&in.token, "aws_session_token")
	get(&in.device, "aws_mfa_device", "mfa_serial")
	get(&in.role, "assume_role", "role_arn")
	get(&in.rsn, "role_session_name")
	get(&in.externalID, "external_id")
	get(&in.duration, "duration_seconds")
	get(&in.sessionDur, "mfa_session_duration")
	get(&in.mfaProcess, "mfa_process")
	get(&in.keyring, KeyringKey)
	if err != nil {
		return in, err
	}
	in.keysFrom = lt
	// Region: [profile NAME] in the config file (kept there for region and
	// output), then [profile NAME-long-term] (where `aws configure
	// --profile NAME-long-term` writes it), then the long-term section
	// itself, then [default].
	for _, n := range []string{name, lt} {
		i, err := rs.cfg.lookup(n)
		if err != nil {
			return in, err
		}
		if i >= 0 && !in.region.set() {
			cp, err := rs.cfg.props(i)
			if err != nil {
				return in, err
			}
			if in.region, err = sectionSetting(rs.cfg, cp, "region"); err != nil {
				return in, err
			}
			if n == name && !in.mfaProcess.set() {
				if in.mfaProcess, err = sectionSetting(rs.cfg, cp, "mfa_process"); err != nil {
					return in, err
				}
			}
		}
	}
	get(&in.region, "region")
	if err == nil && !in.region.set() {
		in.region, err = rs.defaultRegion()
	}
	return in, err
}

// keys checks and sets the long-term key pair.
func (rs *resolution) keys(p *Plan, name string, layout Layout, in fileSettings) error {
	section := fmt.Sprintf("[%s] in %s", in.keysFrom, rs.shown.Credentials)
	if handled, err := rs.keyringKeys(p, name, in); handled || err != nil {
		return err
	}
	if in.process.set() {
		p.KeysProcess = in.process.value
		p.Origins["credential_process"] = in.process.origin
		return nil
	}
	if in.token.set() {
		return fmt.Errorf("%s holds temporary keys (aws_session_token at %s), but awsmfa needs the long-term key pair\nput the IAM user's access key in %s, or run: awsmfa setup %s",
			section, rs.where(in.token.origin), rs.longTermHint(name, layout, in), commandArg(name))
	}
	switch {
	case !in.keyID.set() && !in.secret.set():
		if layout == AWSMFA {
			return fmt.Errorf("%s has no long-term keys\nadd aws_access_key_id and aws_secret_access_key to it, or run: awsmfa setup %s", section, commandArg(name))
		}
		if in.keysFrom != name {
			return fmt.Errorf("profile %q has no long-term keys: its source profile %q holds no aws_access_key_id\nadd the keys to [%s] in %s, or run: awsmfa setup %s",
				name, in.keysFrom, in.keysFrom, rs.shown.Credentials, commandArg(in.keysFrom))
		}
		return fmt.Errorf("profile %q has no long-term keys\nadd aws_access_key_id and aws_secret_access_key to [%s] in %s, or set source_profile; or run: awsmfa setup %s",
			name, name, rs.shown.Credentials, commandArg(name))
	case !in.secret.set():
		return fmt.Errorf("%s has aws_access_key_id (%s) but no aws_secret_access_key\nadd the secret key beside it", section, rs.where(in.keyID.origin))
	case !in.keyID.set():
		return fmt.Errorf("%s has aws_secret_access_key (%s) but no aws_access_key_id\nadd the access key id beside it", section, rs.where(in.secret.origin))
	}
	p.LongTerm.AccessKeyID = in.keyID.value
	p.LongTerm.SecretAccessKey = in.secret.value
	p.Origins["aws_access_key_id"] = in.keyID.origin
	return nil
}

func (rs *resolution) longTermHint(name string, layout Layout, in fileSettings) string {
	if layout == AWSMFA {
		return "[" + in.keysFrom + "]"
	}
	return "[" + rs.longName(name) + "]"
}

// pick returns the flag value, else the environment variable, else the
// file setting.
func (rs *resolution) pick(flag, flagName, env string, file setting) setting {
	if flag != "" {
		return setting{value: flag, origin: Origin{Flag: flagName}}
	}
	if env != "" {
		if v := rs.r.getenv(env); v != "" {
			return setting{value: v, origin: Origin{Env: env}}
		}
	}
	return file
}

// finish applies flags and environment, validates, and chooses the path
// and durations.
func (rs *resolution) finish(p *Plan, in fileSettings) error {
	device := rs.pick(rs.opt.Device, "--device", EnvDevice, in.device)
	role := rs.pick(rs.opt.AssumeRole, "--assume-role", EnvAssumeRole, in.role)
	if rs.chainBase {
		role = in.role
	}

	if !device.set() && !role.set() {
		return fmt.Errorf("profile %q has no MFA device and no role; nothing for awsmfa to do\nadd %s (from: aws iam list-mfa-devices), or pass --device or set MFA_DEVICE",
			p.Name, rs.deviceHint(p))
	}
	if !device.set() && p.Layout == AWSMFA {
		// aws-mfa refuses a role with no MFA device; its users rely on
		// their long-term keys never being used without a code.
		return fmt.Errorf("profile %q has a role (%s) and no MFA device; in aws-mfa's layout a code is always required\nadd %s (from: aws iam list-mfa-devices), or pass --device or set MFA_DEVICE",
			p.Name, rs.where(role.origin), rs.deviceHint(p))
	}
	if device.set() {
		if problem := checkMFASerial(device.value); problem != "" {
			return fmt.Errorf("MFA device %q (%s) is malformed: %s\nuse the SerialNumber from: aws iam list-mfa-devices", device.value, rs.where(device.origin), problem)
		}
		p.MFASerial = device.value
		p.Origins["mfa_serial"] = device.origin
		if in.mfaProcess.set() {
			p.MFAProcess = in.mfaProcess.value
			p.Origins["mfa_process"] = in.mfaProcess.origin
		}
	}
	if in.region.set() {
		p.Region = in.region.value
		p.Origins["region"] = in.region.origin
	}

	var durFlag string
	if rs.opt.Duration != 0 {
		if rs.opt.Duration < 0 || rs.opt.Duration%time.Second != 0 {
			return fmt.Errorf("--duration %v is not a whole number of seconds\ngive seconds, e.g. --duration 3600", rs.opt.Duration)
		}
		durFlag = strconv.FormatInt(int64(rs.opt.Duration/time.Second), 10)
	}
	durSetting := rs.pick(durFlag, "--duration", EnvDuration, in.duration)
	if rs.chainBase {
		durSetting = in.duration
	}
	dur, err := rs.seconds(durSetting)
	if err != nil {
		return err
	}

	if !role.set() {
		// MFA device, no role: GetSessionToken.
		p.Path = SessionToken
		d, err := rs.duration(dur, defaultSession, minSession, maxSession, "GetSessionToken")
		if err != nil {
			return err
		}
		p.SessionDuration = d.value
		p.Origins["duration"] = d.origin
		return nil
	}

	if problem := checkRoleARN(role.value); problem != "" {
		return fmt.Errorf("role %q (%s) is malformed: %s\nuse the role's ARN, like arn:aws:iam::123456789012:role/NAME", role.value, rs.where(role.origin), problem)
	}
	p.RoleARN = role.value
	p.Origins["role_arn"] = role.origin

	rsn := rs.pick(rs.opt.RoleSessionName, "--role-session-name", "", in.rsn)
	if !rsn.set() && p.Layout == AWSMFA && rs.r.LoginName != "" {
		// aws-mfa's default, so trust policies, SCPs and CloudTrail
		// searches that match on it keep matching.
		rsn = setting{value: rs.r.LoginName, origin: Origin{Default: true}}
		if problem := checkSessionName(rsn.value); problem != "" {
			return fmt.Errorf("role session name %q (aws-mfa's default: your login name) is malformed: %s\npass --role-session-name, or set role_session_name in [%s]", rsn.value, problem, p.KeysFrom)
		}
	}
	if !rsn.set() {
		rsn = setting{value: DefaultSessionName(rs.r.Username), origin: Origin{Default: true}}
	}
	if problem := checkSessionName(rsn.value); problem != "" {
		return fmt.Errorf("role session name %q (%s) is malformed: %s\nuse 2 to 64 letters, digits and _+=,.@-", rsn.value, rs.where(rsn.origin), problem)
	}
	p.RoleSessionName = rsn.value
	p.Origins["role_session_name"] = rsn.origin

	ext := rs.pick(rs.opt.ExternalID, "--external-id", "", in.externalID)
	if ext.set() {
		if problem := checkExternalID(ext.value); problem != "" {
			return fmt.Errorf("external id (%s) is malformed: %s\nuse the external id the role's trust policy expects", rs.where(ext.origin), problem)
		}
		p.ExternalID = ext.value
		p.Origins["external_id"] = ext.origin
	}

	d, err := rs.duration(dur, defaultRole, minRole, maxRole, "AssumeRole")
	if err != nil {
		return err
	}
	p.RoleDuration = d.value
	p.Origins["duration"] = d.origin
	switch {
	case !device.set():
		p.Path = Role
	case d.value > maxChained:
		p.Path = RoleWithMFA
	default:
		p.Path = ChainedRole
		sd, err := rs.seconds(rs.pick("", "", EnvMFASessionDuration, in.sessionDur))
		if err != nil {
			return err
		}
		s, err := rs.duration(sd, defaultSession, minSession, maxSession, "the MFA session (GetSessionToken)")
		if err != nil {
			return err
		}
		p.SessionDuration = s.value
		p.Origins["session_duration"] = s.origin
	}
	return nil
}

func (rs *resolution) deviceHint(p *Plan) string {
	if p.Layout == AWSMFA {
		return fmt.Sprintf("aws_mfa_device to [%s] in %s", p.KeysFrom, rs.shown.Credentials)
	}
	return fmt.Sprintf("mfa_serial to [profile %s] in %s", p.Name, rs.shown.Config)
}

// durationSetting is a parsed duration and its origin; value 0 means unset.
type durationSetting struct {
	value  time.Duration
	origin Origin
}

// seconds parses a duration given in whole seconds.
func (rs *resolution) seconds(s setting) (durationSetting, error) {
	if !s.set() {
		return durationSetting{}, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s.value), 10, 64)
	if err != nil || n <= 0 {
		return durationSetting{}, fmt.Errorf("duration %q (%s) is not a whole number of seconds\ngive seconds, e.g. 3600 for one hour", s.value, rs.where(s.origin))
	}
	if n > 1<<31 { // out of every range, and it would overflow below
		return durationSetting{}, fmt.Errorf("duration %d s (%s) is out of range: STS sessions last %d to %d s (%s to %s), role sessions at most %d s\nchoose a duration in that range",
			n, rs.where(s.origin), minSession/time.Second, maxSession/time.Second, human.Duration(minSession), human.Duration(maxSession), maxRole/time.Second)
	}
	return durationSetting{value: time.Duration(n) * time.Second, origin: s.origin}, nil
}

// duration applies the default and checks the range of one STS call.
func (rs *resolution) duration(d durationSetting, def, lo, hi time.Duration, call string) (durationSetting, error) {
	if d.value == 0 {
		return durationSetting{value: def, origin: Origin{Default: true}}, nil
	}
	if d.value < lo || d.value > hi {
		return d, fmt.Errorf("duration %d s (%s) is out of range for %s: %d to %d s (%s to %s)\nchoose a duration in that range",
			d.value/time.Second, rs.where(d.origin), call, lo/time.Second, hi/time.Second, human.Duration(lo), human.Duration(hi))
	}
	return d, nil
}
