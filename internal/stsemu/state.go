package stsemu

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// State is the account an emulator serves: its IAM users (with access keys
// and virtual MFA devices) and the roles they may assume. It is loaded from
// JSON (see LoadState) or built in Go; DemoState returns a ready-made one.
type State struct {
	// Account is the 12-digit account id that every ARN names.
	Account string `json:"account"`
	// Users are the IAM users, each with its long-term keys and devices.
	Users []User `json:"users"`
	// Roles are the IAM roles, each with its trust policy.
	Roles []Role `json:"roles"`
}

// User is an IAM user.
type User struct {
	// Name is the user name; the ARN is arn:aws:iam::ACCOUNT:user/NAME.
	Name string `json:"name"`
	// AccessKeys are the user's long-term keys (ids start with AKIA).
	AccessKeys []AccessKey `json:"access_keys,omitempty"`
	// MFADevices are the user's virtual MFA devices.
	MFADevices []MFADevice `json:"mfa_devices,omitempty"`
}

// AccessKey is a long-term access key pair.
type AccessKey struct {
	// ID is the access key id, AKIA followed by 12 to 124 letters or digits.
	ID string `json:"id"`
	// Secret is the secret access key that signs requests.
	Secret string `json:"secret"`
}

// MFADevice is a virtual (TOTP) MFA device.
type MFADevice struct {
	// Serial is the device ARN, arn:aws:iam::ACCOUNT:mfa/NAME.
	Serial string `json:"serial"`
	// Seed is the base32 TOTP seed (RFC 6238: 30 s steps, 6 digits, SHA-1).
	Seed string `json:"seed"`
}

// Role is an IAM role that users may assume.
type Role struct {
	// Name is the role name; the ARN is arn:aws:iam::ACCOUNT:role/NAME.
	Name string `json:"name"`
	// MaxSessionDuration is the longest AssumeRole session in seconds,
	// 3600 to 43200; zero means 3600, as in IAM.
	MaxSessionDuration int `json:"max_session_duration,omitempty"`
	// Trust is the role's trust policy.
	Trust Trust `json:"trust"`
}

// Trust is the part of a role trust policy the emulator enforces.
type Trust struct {
	// RequireMFA demands aws:MultiFactorAuthPresent: a code in the
	// AssumeRole call, or a caller session that was itself MFA-authenticated.
	RequireMFA bool `json:"require_mfa,omitempty"`
	// ExternalID, when set, must equal the ExternalId of the call.
	ExternalID string `json:"external_id,omitempty"`
	// Principals are the user (or role) ARNs allowed to assume the role.
	// Empty means any IAM user of the account.
	Principals []string `json:"principals,omitempty"`
}

// Values of the demo account returned by DemoState.
const (
	DemoAccount         = "123456789012"
	DemoUser            = "demo"
	DemoAccessKeyID     = "AKIAEMULATORDEMO0001"
	DemoSecretAccessKey = "demoSecretAccessKey/EmulatorOnly+0000000000"
	DemoSerial          = "arn:aws:iam::123456789012:mfa/demo"
	// DemoSeed is the base32 TOTP seed of DemoSerial.
	DemoSeed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	// DemoNoMFAUser is a second user, with keys but no MFA device.
	DemoNoMFAUser            = "nomfa"
	DemoNoMFAAccessKeyID     = "AKIAEMULATORNOMFA001"
	DemoNoMFASecretAccessKey = "nomfaSecretAccessKey/EmulatorOnly+00000000"
	// DemoExternalID is the external id the role demo-external requires.
	DemoExternalID = "demo-external-id"
)

// DemoState returns the demo account: user "demo" (key DemoAccessKeyID,
// device DemoSerial with seed DemoSeed), user "nomfa" with keys and no
// device, and the roles demo-admin and demo-readonly (MFA required, at most
// 3600 s), demo-long (MFA required, at most 43200 s), demo-external
// (external id DemoExternalID required, no MFA), and the role chain
// demo-chain (trusting demo-admin's sessions) and demo-chain-deep (trusting
// demo-chain's), both MFA required and at most 43200 s.
func DemoState() State {
	return State{
		Account: DemoAccount,
		Users: []User{
			{
				Name:       DemoUser,
				AccessKeys: []AccessKey{{ID: DemoAccessKeyID, Secret: DemoSecretAccessKey}},
				MFADevices: []MFADevice{{Serial: DemoSerial, Seed: DemoSeed}},
			},
			{
				Name:       DemoNoMFAUser,
				AccessKeys: []AccessKey{{ID: DemoNoMFAAccessKeyID, Secret: DemoNoMFASecretAccessKey}},
			},
		},
		Roles: []Role{
			{Name: "demo-admin", MaxSessionDuration: 3600, Trust: Trust{RequireMFA: true}},
			{Name: "demo-readonly", MaxSessionDuration: 3600, Trust: Trust{RequireMFA: true}},
			{Name: "demo-long", MaxSessionDuration: 43200, Trust: Trust{RequireMFA: true}},
			{Name: "demo-external", MaxSessionDuration: 3600, Trust: Trust{ExternalID: DemoExternalID}},
			// A role chain: demo-admin → demo-chain → demo-chain-deep. Each
			// trusts only the role before it and allows 12 hours, so the
			// one-hour cap on a chained session is all that limits it.
			{Name: "demo-chain", MaxSessionDuration: 43200, Trust: Trust{RequireMFA: true,
				Principals: []string{"arn:aws:iam::" + DemoAccount + ":role/demo-admin"}}},
			{Name: "demo-chain-deep", MaxSessionDuration: 43200, Trust: Trust{RequireMFA: true,
				Principals: []string{"arn:aws:iam::" + DemoAccount + ":role/demo-chain"}}},
		},
	}
}

// LoadState reads a State from the JSON file at path and validates it.
// Unknown fields are errors, so a misspelt key does not pass silently.
func LoadState(path string) (State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return State{}, fmt.Errorf("cannot read emulator state: %w", err)
	}
	return ParseState(data, path)
}

// ParseState decodes and validates a State from JSON; name labels errors.
func ParseState(data []byte, name string) (State, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s State
	if err := dec.Decode(&s); err != nil {
		return State{}, fmt.Errorf("%s: not a valid emulator state file: %v", name, err)
	}
	if dec.More() {
		return State{}, fmt.Errorf("%s: not a valid emulator state file: text after the JSON object", name)
	}
	if err := s.Validate(); err != nil {
		return State{}, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

var (
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	nameRE     = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	keyIDRE    = regexp.MustCompile(`^AKIA[A-Z0-9]{12,124}$`)
	mfaNameRE  = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	principalR = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):(user|role)/([\w+=,.@-]{1,64})$`)
)

// Validate reports the first thing wrong with s, naming the field.
func (s State) Validate() error {
	if !accountRE.MatchString(s.Account) {
		return fmt.Errorf("account: %q is not a 12-digit AWS account id", s.Account)
	}
	users := map[string]bool{}
	keys := map[string]bool{}
	serials := map[string]bool{}
	for i, u := range s.Users {
		at := fmt.Sprintf("users[%d]", i)
		if !nameRE.MatchString(u.Name) {
			return fmt.Errorf("%s.name: %q is not a valid IAM user name (1-64 of letters, digits and +=,.@_-)", at, u.Name)
		}
		if users[u.Name] {
			return fmt.Errorf("%s.name: user %q appears twice", at, u.Name)
		}
		users[u.Name] = true
		for j, k := range u.AccessKeys {
			kat := fmt.Sprintf("%s.access_keys[%d]", at, j)
			if !keyIDRE.MatchString(k.ID) {
				return fmt.Errorf("%s.id: %q is not a long-term access key id (AKIA followed by 12 or more capital letters or digits)", kat, k.ID)
			}
			if keys[k.ID] {
				return fmt.Errorf("%s.id: access key %q appears twice", kat, k.ID)
			}
			keys[k.ID] = true
			if len(k.Secret) < 16 {
				return fmt.Errorf("%s.secret: too short (at least 16 characters)", kat)
			}
		}
		for j, d := range u.MFADevices {
			dat := fmt.Sprintf("%s.mfa_devices[%d]", at, j)
			prefix := "arn:aws:iam::" + s.Account + ":mfa/"
			if !strings.HasPrefix(d.Serial, prefix) || !mfaNameRE.MatchString(strings.TrimPrefix(d.Serial, prefix)) {
				return fmt.Errorf("%s.serial: %q is not an MFA device ARN of this account (%sNAME)", dat, d.Serial, prefix)
			}
			if serials[d.Serial] {
				return fmt.Errorf("%s.serial: device %q appears twice", dat, d.Serial)
			}
			serials[d.Serial] = true
			if err := checkSeed(d.Seed); err != nil {
				return fmt.Errorf("%s.seed: %v", dat, err)
			}
		}
	}
	roles := map[string]bool{}
	for i, r := range s.Roles {
		at := fmt.Sprintf("roles[%d]", i)
		if !nameRE.MatchString(r.Name) {
			return fmt.Errorf("%s.name: %q is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)", at, r.Name)
		}
		if roles[r.Name] {
			return fmt.Errorf("%s.name: role %q appears twice", at, r.Name)
		}
		roles[r.Name] = true
		if m := r.MaxSessionDuration; m != 0 && (m < 3600 || m > 43200) {
			return fmt.Errorf("%s.max_session_duration: %d is outside 3600..43200 seconds (or 0 for the default 3600)", at, m)
		}
	}
	for i, r := range s.Roles {
		for j, p := range r.Trust.Principals {
			at := fmt.Sprintf("roles[%d].trust.principals[%d]", i, j)
			m := principalR.FindStringSubmatch(p)
			if m == nil || m[1] != s.Account {
				return fmt.Errorf("%s: %q is not a user or role ARN of account %s", at, p, s.Account)
			}
			if (m[2] == "user" && !users[m[3]]) || (m[2] == "role" && !roles[m[3]]) {
				return fmt.Errorf("%s: %q names no %s in this state", at, p, m[2])
			}
		}
	}
	return nil
}

// checkSeed reports whether seed is usable base32 of at least 80 bits.
func checkSeed(seed string) error {
	b, err := decodeSeed(seed)
	if err != nil {
		return errors.New("not valid base32 (letters A-Z and digits 2-7)")
	}
	if len(b) < 10 {
		return errors.New("too short: a TOTP seed needs at least 16 base32 characters (80 bits)")
	}
	return nil
}

func decodeSeed(seed string) ([]byte, error) {
	s := strings.ToUpper(strings.TrimRight(strings.TrimSpace(seed), "="))
	if s == "" {
		return nil, errors.New("empty")
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}
