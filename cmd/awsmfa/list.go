package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/awsmfa/awsmfa/cache"
	"github.com/awsmfa/awsmfa/internal/human"
	"github.com/awsmfa/awsmfa/profile"
	"github.com/awsmfa/awsmfa/session"
)

func (a *app) listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the profiles, their STS path and the time left on their cached sessions",
		Description: `One row per profile: where it is defined (config or aws-mfa's
[NAME-long-term] layout), its MFA device and role, the STS path, and
the time left on its cached session ("-" when there is none). A profile
that does not resolve is listed with the reason.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array (no secrets) instead of a table"},
			&cli.BoolFlag{Name: "names", Usage: "print only the profile names, one a line (for completion scripts)"},
			&cli.StringFlag{Name: "long-term-suffix", Aliases: []string{"long-suffix"}, Usage: "`SUFFIX` of aws-mfa's long-term sections", Value: "long-term"},
			&cli.StringFlag{Name: "short-term-suffix", Aliases: []string{"short-suffix"}, Usage: "`SUFFIX` of aws-mfa's short-term sections", Value: ""},
		},
		Action: a.list,
	}
}

// listRow is one profile as `list --json` prints it. The field names are a
// contract: scripts read them. Nothing secret is among them.
type listRow struct {
	Name   string `json:"name"`
	Layout string `json:"layout"`
	Device string `json:"device"`
	Role   string `json:"role"`
	Path   string `json:"path"`
	// Session is "valid", "expired", "none" or "unreadable".
	Session string `json:"session"`
	// Expires is the cached session's expiry, RFC 3339 UTC; "" when none.
	Expires string `json:"expires"`
	// SecondsLeft is the time left on the cached session; 0 when none or
	// expired.
	SecondsLeft int64 `json:"seconds_left"`
	// Error is why the profile does not resolve (or its session cannot be
	// read); "" when it does.
	Error string `json:"error"`
}

func (a *app) profileOptions(c *cli.Context) profile.Options {
	lts, sts := c.String("long-term-suffix"), c.String("short-term-suffix")
	return profile.Options{LongTermSuffix: &lts, ShortTermSuffix: &sts}
}

func (a *app) list(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("list takes no arguments; to see one profile use 'awsmfa explain %s'", c.Args().First())
	}
	opt := a.profileOptions(c)
	if c.Bool("names") {
		// Completion calls this at every TAB: names only, no plan, no cache.
		names, err := a.resolver().Names(opt)
		var b strings.Builder
		for _, n := range names {
			b.WriteString(n.Name + "\n")
		}
		if _, werr := fmt.Fprint(a.stdout, b.String()); werr != nil {
			return werr
		}
		return err
	}
	entries, err := a.resolver().List(opt)
	if err != nil {
		return err
	}
	store, err := a.store()
	if err != nil {
		return err
	}
	now, sts := a.now(), session.Endpoint(a.getenv)
	rows := make([]listRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, listRowOf(store, sts, e, now))
	}
	if c.Bool("json") {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(append(b, '\n'))
		return err
	}
	if len(rows) == 0 {
		files, _ := a.resolver().Paths()
		fmt.Fprintf(a.stderr, "awsmfa: no profiles in %s or %s; create one with 'awsmfa setup NAME'\n", a.tilde(files.Config), a.tilde(files.Credentials))
		return nil
	}
	// The table is aligned first, then each unresolvable profile's reason
	// goes on the line under its row (a line without cells would break
	// tabwriter's columns).
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PROFILE\tLAYOUT\tDEVICE\tROLE\tPATH\tLEFT")
	for _, r := range rows {
		path, left := r.Path, "-"
		switch r.Session {
		case "valid":
			left = human.Left(time.Duration(r.SecondsLeft) * time.Second)
		case "expired", "unreadable":
			left = r.Session
		}
		if path == "" {
			path = "unresolved"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Layout, dash(r.Device), dash(r.Role), path, left)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var out strings.Builder
	for i, line := range strings.SplitAfter(table.String(), "\n") {
		out.WriteString(line)
		if i > 0 && i <= len(rows) && rows[i-1].Error != "" {
			out.WriteString("  ! " + rows[i-1].Error + "\n")
		}
	}
	_, err = io.WriteString(a.stdout, out.String())
	return err
}

// listRowOf is e's row, with the session cached for it when STS is
// reached at sts.
func listRowOf(store *cache.Store, sts string, e profile.Entry, now time.Time) listRow {
	r := listRow{Name: e.Name, Layout: e.Layout.String(), Session: "none"}
	if e.Err != nil {
		r.Error = firstLine(e.Err)
		return r
	}
	p := e.Plan
	r.Device, r.Role, r.Path = p.MFASerial, p.TargetRole(), p.Path.String()
	s, err := store.Load(session.KeysOf(p, sts).Session)
	switch {
	case errors.Is(err, cache.ErrNotFound):
	case err != nil:
		r.Session, r.Error = "unreadable", firstLine(err)
	default:
		r.Expires = s.Credentials.Expiration.UTC().Format(time.RFC3339)
		if left := s.Credentials.Expiration.Sub(now); left > 0 {
			r.Session, r.SecondsLeft = "valid", int64(left/time.Second)
		} else {
			r.Session = "expired"
		}
	}
	return r
}

// firstLine is an error's first line: the short form list shows.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return msg
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
