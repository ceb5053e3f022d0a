package shellinit

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

// segmentCases are shared with the shell tests, which check that the bash,
// zsh and fish hooks print exactly what Segment.String prints.
var segmentCases = []struct {
	name            string
	left, refreshIn int64 // seconds from now to expiry and to the refresh time
	want            string
}{
	{"hours", 5000, 4400, "dev 1h23m"},
	{"hours pad minutes", 3600 + 5*60 + 59, 3000, "dev 1h05m"},
	{"exactly an hour", 3600, 3000, "dev 1h00m"},
	{"a day and a half", 36 * 3600, 35 * 3600, "dev 36h00m"},
	{"minutes", 59*60 + 59, 600, "dev 59m"},
	{"inside the margin", 4*60 + 30, -330, "dev 4m!"},
	{"due this second", 600, 0, "dev 10m!"},
	{"seconds", 45, -555, "dev 45s!"},
	{"last second", 1, -599, "dev 1s!"},
	{"expired now", 0, -600, "dev expired"},
	{"expired long ago", -86400, -87000, "dev expired"},
}

func TestSegmentString(t *testing.T) {
	now := time.Unix(1_800_000_000, 0).Add(300 * time.Millisecond)
	for _, tc := range segmentCases {
		t.Run(tc.name, func(t *testing.T) {
			s := Segment{
				Profile:    "dev",
				Expiration: time.Unix(now.Unix()+tc.left, 0),
				RefreshAt:  time.Unix(now.Unix()+tc.refreshIn, 0),
				Now:        now,
			}
			if got := s.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSegmentFromEnv(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name    string
		env     map[string]string
		ok      bool
		want    string
		wantErr string
	}{
		{"nothing exported", map[string]string{}, false, "", ""},
		{"only a profile", map[string]string{"AWSMFA_PROFILE": "dev"}, false, "", ""},
		{"session", map[string]string{"AWSMFA_PROFILE": "dev", "AWSMFA_EXPIRATION": "1800003600", "AWSMFA_REFRESH_AT": "1800003000"}, true, "dev 1h00m", ""},
		{"no refresh time means the expiry", map[string]string{"AWSMFA_PROFILE": "p", "AWSMFA_EXPIRATION": "1800000100"}, true, "p 1m", ""},
		{"bad expiration", map[string]string{"AWSMFA_PROFILE": "dev", "AWSMFA_EXPIRATION": "2026-01-01T00:00:00Z", "AWSMFA_REFRESH_AT": "1"}, false, "", `AWSMFA_EXPIRATION="2026-01-01T00:00:00Z" is not Unix seconds` + "\n" + `run eval "$(awsmfa env dev)" again`},
		{"bad refresh", map[string]string{"AWSMFA_EXPIRATION": "1800003600", "AWSMFA_REFRESH_AT": "-5"}, false, "", `AWSMFA_REFRESH_AT="-5" is not Unix seconds` + "\n" + `run eval "$(awsmfa env PROFILE)" again`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok, err := SegmentFromEnv(func(k string) string { return tc.env[k] }, now)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || ok != tc.ok {
				t.Fatalf("ok, err = %v, %v; want %v, nil", ok, err, tc.ok)
			}
			if ok && s.String() != tc.want {
				t.Errorf("String() = %q, want %q", s.String(), tc.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	seg := func(left, refreshIn int64) Segment {
		return Segment{Profile: "dev", Expiration: now.Add(time.Duration(left) * time.Second), RefreshAt: now.Add(time.Duration(refreshIn) * time.Second), Now: now}
	}
	tests := []struct {
		name   string
		format string
		seg    Segment
		color  bool
		want   string
	}{
		{"default", DefaultFormat, seg(5000, 4400), false, "dev 1h23m\n"},
		{"custom", "{{.Profile}} {{.Left}}", seg(240, -360), false, "dev 4m\n"},
		{"conditional", "{{if .Due}}renew {{end}}{{.Profile}}", seg(240, -360), false, "renew dev\n"},
		{"remaining", "{{.Remaining}}", seg(90, 0), false, "1m30s\n"},
		{"green", DefaultFormat, seg(5000, 4400), true, "\x1b[32mdev 1h23m\x1b[0m\n"},
		{"yellow", DefaultFormat, seg(240, -360), true, "\x1b[33mdev 4m!\x1b[0m\n"},
		{"red", DefaultFormat, seg(-1, -601), true, "\x1b[31mdev expired\x1b[0m\n"},
		{"empty stays empty", "", seg(5000, 4400), true, "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Template(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Render(&b, tmpl, tc.seg, tc.color); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct{ format, parseErr, execErr string }{
		{"{{.Profile", "bad --format template: prompt:1: unclosed action", ""},
		{"{{.Nope}}", "", "bad --format template: prompt:1:2: executing \"prompt\" at <.Nope>: can't evaluate field Nope"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			tmpl, err := Template(tc.format)
			if tc.parseErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.parseErr) || !strings.Contains(err.Error(), "\nfields: .Profile") {
					t.Fatalf("Template err = %v, want prefix %q and a list of fields", err, tc.parseErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = Render(&bytes.Buffer{}, tmpl, Segment{Now: time.Unix(0, 0)}, false)
			if err == nil || !strings.HasPrefix(err.Error(), tc.execErr) {
				t.Fatalf("Render err = %v, want prefix %q", err, tc.execErr)
			}
		})
	}
}

// unix is a helper for the shell tests' environment values.
func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
