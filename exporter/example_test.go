package exporter_test

import (
	"fmt"
	"os"
	"time"

	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/creds"
)

// What `awsmfa env dev` prints for bash, given a session from the cache.
func ExampleSession() {
	c := creds.Credentials{
		AccessKeyID:     "ASIAEXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG",
		SessionToken:    "FwoGZXIvYXdz",
		Expiration:      time.Date(2026, 11, 25, 14, 30, 15, 0, time.UTC),
	}
	info := exporter.SessionInfo{
		Profile:   "dev",
		Region:    "ap-northeast-1",
		RefreshAt: c.Expiration.Add(-10 * time.Minute),
		Marker:    "/home/me/.cache/awsmfa/markers/m1",
	}
	f, err := exporter.Lookup("bash")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := f.Write(os.Stdout, exporter.Session(c, info)); err != nil {
		fmt.Println(err)
	}
	// Output:
	// unset AWS_SECURITY_TOKEN
	// unset AWS_PROFILE
	// unset AWS_DEFAULT_PROFILE
	// export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'
	// export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG'
	// export AWS_SESSION_TOKEN='FwoGZXIvYXdz'
	// export AWS_CREDENTIAL_EXPIRATION='2026-11-25T14:30:15Z'
	// export AWS_SESSION_EXPIRATION='2026-11-25T14:30:15Z'
	// export AWS_REGION='ap-northeast-1'
	// export AWS_DEFAULT_REGION='ap-northeast-1'
	// export AWSMFA_PROFILE='dev'
	// export AWSMFA_EXPIRATION='1795617015'
	// export AWSMFA_REFRESH_AT='1795616415'
	// export AWSMFA_MARKER='/home/me/.cache/awsmfa/markers/m1'
	// export AWSMFA_REGION='ap-northeast-1'
}

// What `awsmfa env --unset --shell fish` prints.
func ExampleClear() {
	if err := (exporter.Fish{}).Write(os.Stdout, exporter.Clear()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// set -e -g AWS_ACCESS_KEY_ID
	// set -e -g AWS_SECRET_ACCESS_KEY
	// set -e -g AWS_SESSION_TOKEN
	// set -e -g AWS_SECURITY_TOKEN
	// set -e -g AWS_CREDENTIAL_EXPIRATION
	// set -e -g AWS_SESSION_EXPIRATION
	// set -e -g AWSMFA_PROFILE
	// set -e -g AWSMFA_EXPIRATION
	// set -e -g AWSMFA_REFRESH_AT
	// set -e -g AWSMFA_MARKER
	// set -e -g AWSMFA_REGION
	// true
}

// What `awsmfa credential-process dev` prints.
func ExampleCredentialProcess() {
	c := creds.Credentials{
		AccessKeyID:     "ASIAEXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG",
		SessionToken:    "FwoGZXIvYXdz",
		Expiration:      time.Date(2026, 11, 25, 14, 30, 15, 0, time.UTC),
	}
	if err := exporter.CredentialProcess(os.Stdout, c); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","SessionToken":"FwoGZXIvYXdz","Expiration":"2026-11-25T14:30:15Z"}
}
