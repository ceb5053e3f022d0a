package shortterm

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa/awsmfa/internal/awsini"
	"github.com/awsmfa/awsmfa/internal/creds"
	"github.com/awsmfa/awsmfa/profile"
)

const role = "arn:aws:iam::123456789012:role/demo-admin"

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// plan is profile x with its keys in [x-long-term] and the session in [x].
func plan(roleARN string) *profile.Plan {
	return &profile.Plan{Name: "x", KeysFrom: "x-long-term", ShortTerm: "x", RoleARN: roleARN}
}

func parse(t *testing.T, s string) *awsini.File {
	t.Helper()
	f, err := awsini.Parse("creds", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const good = "[x]\nassumed_role = False\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n" +
	"aws_session_token = t\naws_security_token = t\nexpiration = 2026-11-25 13:00:00\n"

func TestDue(t *testing.T) {
	exp := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		content string
		role    string
		margin  time.Duration
		reason  string
		exp     time.Time
	}{
		{"good", good, "", 10 * time.Minute, "", exp},
		{"good up to the margin", good, "", 59*time.Minute + 59*time.Second, "", exp},
		{"within the margin", good, "", time.Hour, "expires within the refresh margin", exp},
		{"expired", strings.Replace(good, "13:00:00", "11:00:00", 1), "", 0, "expires within the refresh margin", exp.Add(-2 * time.Hour)},
		{"no section", "[y]\n", "", 0, "no such section", time.Time{}},
		{"no security token", strings.Replace(good, "aws_security_token = t\n", "", 1), "", 0, "no aws_security_token", time.Time{}},
		{"no assumed_role", strings.Replace(good, "assumed_role = False\n", "", 1), "", 0, "no assumed_role", time.Time{}},
		{"no expiration", strings.Replace(good, "expiration = 2026-11-25 13:00:00\n", "", 1), "", 0, "no expiration", time.Time{}},
		{"another role wanted", good, role, 0, "another role", time.Time{}},
		{"a role no more wanted", good + "assumed_role_arn = " + role + "\n", "", 0, "another role", time.Time{}},
		{"the same role", good + "assumed_role_arn = " + role + "\n", role, 0, "", exp},
		{"unreadable expiration", strings.Replace(good, "2026-11-25 13:00:00", "2026-11-25T13:00:00Z", 1), "", 0, "unreadable expiration", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotExp, reason := Due(parse(t, tc.content), plan(tc.role), now, tc.margin)
			if reason != tc.reason || !gotExp.Equal(tc.exp) {
				t.Errorf("Due = %v, %q; want %v, %q", gotExp, reason, tc.exp, tc.reason)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		content string
		plan    *profile.Plan
		refused string // the section named in the error; "" for none
	}{
		{"aws-mfa layout, no section yet", "[x-long-term]\naws_access_key_id = AKIA\n", plan(""), ""},
		{"aws-mfa layout, a session there", good, plan(""), ""},
		{"no short-term section: the keys' own", "", &profile.Plan{Name: "x", KeysFrom: "x"}, "x"},
		{"the section the keys come from", "", &profile.Plan{Name: "x", KeysFrom: "x", ShortTerm: "x"}, "x"},
		{"an access key with no session token", "[x]\naws_access_key_id = AKIA\n", plan(""), "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(parse(t, tc.content), tc.plan, "~/.aws/credentials")
			if tc.refused == "" {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			want := "[" + tc.refused + "] in ~/.aws/credentials holds long-term keys; writing the session there would replace them\n" +
				"keep the keys in [x-long-term] (aws-mfa's layout), or pass --short-term-suffix"
			if err == nil || err.Error() != want {
				t.Errorf("Check: %v\nwant: %s", err, want)
			}
		})
	}
}

func TestSection(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "ASIANEW", SecretAccessKey: "sec", SessionToken: "tok",
		Expiration: time.Date(2026, 11, 25, 23, 0, 0, 0, time.FixedZone("CET", 3600))}
	tail := []awsini.KV{
		{Key: "aws_access_key_id", Value: "ASIANEW"},
		{Key: "aws_secret_access_key", Value: "sec"},
		{Key: "aws_session_token", Value: "tok"},
		{Key: "aws_security_token", Value: "tok"},
		{Key: "expiration", Value: "2026-11-25 22:00:00"}, // UTC
	}
	tests := []struct {
		name  string
		role  string
		set   []awsini.KV
		unset []string
	}{
		{"session token", "", append([]awsini.KV{{Key: "assumed_role", Value: "False"}}, tail...), []string{"assumed_role_arn"}},
		{"role", role, append([]awsini.KV{{Key: "assumed_role", Value: "True"}, {Key: "assumed_role_arn", Value: role}}, tail...), nil},
	}
	for _, tc := range tests {
		set, unset := Section(plan(tc.role), c)
		if !reflect.DeepEqual(set, tc.set) || !reflect.DeepEqual(unset, tc.unset) {
			t.Errorf("%s: Section = %v, %v\nwant %v, %v", tc.name, set, unset, tc.set, tc.unset)
		}
	}
}

// getter is a session source that counts its calls.
type getter struct {
	c     creds.Credentials
	err   error
	calls int
}

func (g *getter) get(context.Context) (creds.Credentials, error) {
	g.calls++
	return g.c, g.err
}

func TestWrite(t *testing.T) {
	const longTerm = "# keep me\n[x-long-term]\naws_access_key_id = AKIAEMULATORDEMO0001\n"
	session := creds.Credentials{AccessKeyID: "ASIANEW", SecretAccessKey: "sec", SessionToken: "tok",
		Expiration: now.Add(12 * time.Hour)}
	written := longTerm + "\n[x]\nassumed_role = False\naws_access_key_id = ASIANEW\naws_secret_access_key = sec\n" +
		"aws_session_token = tok\naws_security_token = tok\nexpiration = 2026-11-26 00:00:00\n"
	tests := []struct {
		name    string
		content string
		force   bool
		getErr  error
		calls   int
		want    string // the file after; "" means unchanged
		wrote   bool
		left    time.Duration
		log     string
		err     string
	}{
		{"no section", longTerm, false, nil, 1, written, true, 12 * time.Hour, "why=\"no such section\"", ""},
		{"good: left alone", longTerm + good, false, nil, 0, "", false, time.Hour, "", ""},
		{"good but forced", longTerm + good, true, nil, 1, longTerm + strings.NewReplacer("ASIAOLD", "ASIANEW", "= s\n", "= sec\n", "= t\n", "= tok\n", "2026-11-25 13:00:00", "2026-11-26 00:00:00").Replace(good), true, 12 * time.Hour, "", ""},
		{"the session fails", longTerm, false, errors.New("STS said no"), 1, "", false, 0, "", "STS said no"},
		{"long-term keys in the way", "[x]\naws_access_key_id = AKIA\n", false, nil, 0, "", false, 0, "", "holds long-term keys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			g := &getter{c: session, err: tc.getErr}
			var log bytes.Buffer
			res, err := Write(context.Background(), Input{
				Plan: plan(""), Path: path, Display: "~/.aws/credentials",
				Now: func() time.Time { return now }, Margin: 10 * time.Minute, Force: tc.force,
				Get: g.get, Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo})),
			})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Write: %v, want an error with %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if g.calls != tc.calls {
				t.Errorf("sessions got: %d, want %d", g.calls, tc.calls)
			}
			if err == nil && (res.Wrote != tc.wrote || res.Left != tc.left || !res.Expiration.Equal(now.Add(tc.left)) || res.Expiration.Location() != time.UTC) {
				t.Errorf("Result = %+v, want wrote %v, %v left", res, tc.wrote, tc.left)
			}
			if !strings.Contains(log.String(), tc.log) {
				t.Errorf("log %q, want %q", log.String(), tc.log)
			}
			want := tc.want
			if want == "" {
				want = tc.content
			}
			if b, _ := os.ReadFile(path); string(b) != want {
				t.Errorf("file:\n%s\nwant:\n%s", b, want)
			}
		})
	}
}
