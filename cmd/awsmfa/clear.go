package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/session"
)

func (a *app) clearCommand() *cli.Command {
	var flags []cli.Flag
	for _, f := range sessionFlags() {
		switch f.Names()[0] {
		case "code", "force":
			continue // nothing is fetched
		case "min-ttl":
			f.(*cli.StringFlag).Hidden = true // read by the shared resolution, meaningless here
		}
		flags = append(flags, f)
	}
	return &cli.Command{
		Name:      "clear",
		Usage:     "forget cached sessions: a profile's, or all of them with --all",
		ArgsUsage: "[PROFILE]",
		Description: `awsmfa clear dev       forget dev's session: the next use calls STS again.
                       For a role on an MFA session, the MFA session is kept
                       (other roles on the device use it); --all drops it too.
awsmfa clear --all     forget every cached session.`,
		Flags: append(flags,
			&cli.BoolFlag{Name: "all", Usage: "with a profile, its MFA session too; alone, every session"},
		),
		Action: a.clear,
	}
}

func (a *app) clear(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("clear takes one profile, got %d arguments", c.NArg())
	}
	name, err := profileName(c)
	if err != nil {
		return err
	}
	if name == "" && c.Bool("all") {
		return a.clearAll()
	}
	req, err := a.request(c, false)
	if err != nil {
		return err
	}
	p, store := req.plan, req.getter.Store
	keys := session.KeysOf(p, session.Endpoint(a.getenv))
	type target struct{ key, what string }
	targets := []target{{keys.Session, "role session"}}
	if keys.MFA == keys.Session {
		targets[0].what = "MFA session (" + p.MFASerial + ")"
	} else if keys.MFA != "" && c.Bool("all") {
		targets = append(targets, target{keys.MFA, "MFA session (" + p.MFASerial + ")"})
	}
	if c.Bool("all") && len(p.Chain) > 0 {
		// The sessions of the chain's earlier roles.
		targets = append(targets, target{keys.Hops[0], "role session of " + p.RoleProfile})
		for i, h := range p.Chain[:len(p.Chain)-1] {
			targets = append(targets, target{keys.Hops[i+1], "role session of " + h.Profile})
		}
	}
	for _, t := range targets {
		_, err := store.Load(t.key)
		had := err == nil || errors.Is(err, cache.ErrUnsafe)
		if err := store.Delete(t.key); err != nil {
			return fmt.Errorf("%s: cannot remove the cached %s: %v", p.Name, t.what, err)
		}
		if had {
			fmt.Fprintf(a.stderr, "awsmfa: %s: removed the cached %s\n", p.Name, t.what)
		} else {
			fmt.Fprintf(a.stderr, "awsmfa: %s: no cached %s to remove\n", p.Name, t.what)
		}
	}
	if keys.MFA != "" && keys.MFA != keys.Session && !c.Bool("all") {
		if _, err := store.Load(keys.MFA); err == nil {
			fmt.Fprintf(a.stderr, "awsmfa: %s: kept the MFA session of %s (other roles use it); 'awsmfa clear --all %s' removes it too\n", p.Name, p.MFASerial, p.Name)
		}
	}
	return nil
}

// clearAll removes every session file in the cache, corrupt ones included.
func (a *app) clearAll() error {
	store, err := a.store()
	if err != nil {
		return err
	}
	entries, err := store.List()
	if err != nil {
		return err
	}
	for i, e := range entries {
		if err := store.Delete(e.Key); err != nil {
			return fmt.Errorf("cannot remove a cached session (%d of %d removed): %v", i, len(entries), err)
		}
	}
	switch len(entries) {
	case 0:
		fmt.Fprintf(a.stderr, "awsmfa: no cached sessions to remove in %s\n", a.tilde(store.Dir()))
	case 1:
		fmt.Fprintf(a.stderr, "awsmfa: removed 1 cached session from %s\n", a.tilde(store.Dir()))
	default:
		fmt.Fprintf(a.stderr, "awsmfa: removed %d cached sessions from %s\n", len(entries), a.tilde(store.Dir()))
	}
	return nil
}
