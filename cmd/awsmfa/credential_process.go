package main

import (
	"bytes"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/session"
)

func (a *app) credentialProcessCommand() *cli.Command {
	return &cli.Command{
		Name:      "credential-process",
		Usage:     "print the credential_process JSON document (for a profile that holds only credential_process)",
		ArgsUsage: "PROFILE",
		Flags:     sessionFlags(),
		Action:    a.credentialProcess,
	}
}

func (a *app) credentialProcess(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("credential-process takes one profile, got %d arguments", c.NArg())
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	if !c.IsSet("min-ttl") && a.getenv("AWSMFA_MIN_TTL") == "" {
		req.getter.MinTTL = session.CredentialProcessMargin
	}
	// An SDK waits on this process: it does not wait on a person asking
	// in another one beyond its deadline.
	req.wait.OnPeople = false
	res, err := req.get(c.Context)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := exporter.CredentialProcess(&out, res.Credentials); err != nil {
		return err
	}
	_, err = a.stdout.Write(out.Bytes())
	return err
}
