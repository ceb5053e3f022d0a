package profile

import (
	"testing"
	"time"
)

func TestResolveRoleChain(t *testing.T) {
	const (
		jumpRole = "arn:aws:iam::111111111111:role/jump"
		prodRole = "arn:aws:iam::222222222222:role/admin"
		deepRole = "arn:aws:iam::333333333333:role/deep"
	)
	config := "[profile jump]\nsource_profile = base\nrole_arn = " + jumpRole + "\nmfa_serial = " + device + "\nregion = eu-west-1\n" +
		"[profile prod]\nsource_profile = jump\nrole_arn = " + prodRole + "\nrole_session_name = prod-session\n" +
		"[profile deep]\nsource_profile = prod\nrole_arn = " + deepRole + "\nduration_seconds = 1800\nregion = eu-central-1\nmfa_serial = " + device + "\n"
	tests := []struct {
		name       string
		opt        Options
		wantChain  []Hop // Profile, RoleARN, RoleSessionName, Duration
		wantRegion string
	}{
		{name: "two roles", opt: Options{Profile: "prod"}, wantRegion: "eu-west-1",
			wantChain: []Hop{{Profile: "prod", RoleARN: prodRole, RoleSessionName: "prod-session", Duration: time.Hour}}},
		{name: "three roles, the last with its own duration, region and the same device", opt: Options{Profile: "deep"}, wantRegion: "eu-central-1",
			wantChain: []Hop{
				{Profile: "prod", RoleARN: prodRole, RoleSessionName: "prod-session", Duration: time.Hour},
				{Profile: "deep", RoleARN: deepRole, RoleSessionName: "awsmfa-alice", Duration: 30 * time.Minute},
			}},
		{name: "flags apply to the last role only", opt: Options{Profile: "prod", Duration: 20 * time.Minute, RoleSessionName: "flagged"}, wantRegion: "eu-west-1",
			wantChain: []Hop{{Profile: "prod", RoleARN: prodRole, RoleSessionName: "flagged", Duration: 20 * time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, config, baseCreds, nil)
			p, err := r.Resolve(tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			// The first role is jump, by its usual path with the code.
			if p.Name != tt.opt.Profile || p.RoleProfile != "jump" || p.RoleARN != jumpRole || p.Path != ChainedRole ||
				p.RoleDuration != time.Hour || p.MFASerial != device || p.KeysFrom != "base" {
				t.Errorf("first role: name %q role profile %q role %q path %v duration %v device %q keys %q",
					p.Name, p.RoleProfile, p.RoleARN, p.Path, p.RoleDuration, p.MFASerial, p.KeysFrom)
			}
			if len(p.Chain) != len(tt.wantChain) {
				t.Fatalf("chain %+v, want %+v", p.Chain, tt.wantChain)
			}
			for i, w := range tt.wantChain {
				h := p.Chain[i]
				if h.Profile != w.Profile || h.RoleARN != w.RoleARN || h.RoleSessionName != w.RoleSessionName || h.Duration != w.Duration {
					t.Errorf("hop %d = %+v, want %+v", i, h, w)
				}
			}
			if p.Region != tt.wantRegion {
				t.Errorf("region %q, want %q", p.Region, tt.wantRegion)
			}
			if got := p.TargetRole(); got != tt.wantChain[len(tt.wantChain)-1].RoleARN {
				t.Errorf("TargetRole %q", got)
			}
			if p.DescribeChain() == "" {
				t.Error("DescribeChain is empty for a chain")
			}
		})
	}
}

func TestResolveKeysProcess(t *testing.T) {
	tests := []struct {
		name, config string
		wantPath     Path
	}{
		{name: "source profile with credential_process",
			config: "[profile keys]\ncredential_process = pass show aws\n[profile dev]\nsource_profile = keys\nmfa_serial = " + device + "\n", wantPath: SessionToken},
		{name: "role on such a source",
			config: "[profile keys]\ncredential_process = pass show aws\n[profile dev]\nsource_profile = keys\nrole_arn = " + role + "\nmfa_serial = " + device + "\n", wantPath: ChainedRole},
		{name: "the profile itself, with an MFA device",
			config: "[profile dev]\ncredential_process = pass show aws\nmfa_serial = " + device + "\n", wantPath: SessionToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := home(t, tt.config, missing, nil)
			p, err := r.Resolve(Options{Profile: "dev"})
			if err != nil {
				t.Fatal(err)
			}
			if p.KeysProcess != "pass show aws" || p.LongTerm.AccessKeyID != "" || p.Path != tt.wantPath {
				t.Errorf("KeysProcess %q, key id %q, path %v", p.KeysProcess, p.LongTerm.AccessKeyID, p.Path)
			}
			if _, ok := p.Origins["credential_process"]; !ok || p.DescribeKeys() == "" {
				t.Errorf("no origin or description for the command: %v", p.Origins)
			}
		})
	}
}
