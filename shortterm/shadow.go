package shortterm

import (
	"fmt"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// firstKeys are the settings the AWS CLI, boto3, the Go and JavaScript SDKs
// and terraform read before a profile's static keys in the credentials
// file: a role to assume (role_arn, with source_profile, credential_source
// or web_identity_token_file) and IAM Identity Center. A profile with one
// of them never uses the keys awsmfa would write into its section.
var firstKeys = [...]string{"role_arn", "sso_session", "sso_start_url"}

// Shadowed refuses to write the short-term section when clients would not
// read it: the profile of the same name, in the config file at configPath
// or in the credentials file cred, holds a setting they use first (see
// firstKeys). The error names the ways that work. display and
// configDisplay name the files in messages.
func Shadowed(cred *awsini.File, display, configPath, configDisplay, profile, section string) error {
	where, key := "", ""
	for _, k := range firstKeys {
		if _, ok := cred.Get(section, k); ok {
			where, key = fmt.Sprintf("[%s] in %s", section, display), k
			break
		}
	}
	if where == "" && configPath != "" {
		cfg, err := awsini.Read(configPath, awsini.Options{Display: configDisplay})
		if err != nil {
			return err
		}
		names := []string{"profile " + section}
		if section == "default" {
			names = append(names, "default")
		}
	find:
		for _, n := range names {
			for _, k := range firstKeys {
				if _, ok := cfg.Get(n, k); ok {
					where, key = fmt.Sprintf("[%s] in %s", n, configDisplay), k
					break find
				}
			}
		}
	}
	if where == "" {
		return nil
	}
	return fmt.Errorf("not writing [%s] to %s: the AWS CLI and SDKs would not read it, since %s has %s, which they use first\n"+
		"use 'eval \"$(awsmfa env %s)\"', a profile with only 'credential_process = awsmfa credential-process %s', or --short-term-suffix SUFFIX (then --profile %s-SUFFIX)",
		section, display, where, key, profile, profile, section)
}
