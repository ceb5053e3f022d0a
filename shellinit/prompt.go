package shellinit

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/internal/human"
)

// DefaultFormat is the segment `awsmfa prompt` prints, the same text the bash
// and zsh hooks keep in AWSMFA_PROMPT: "dev 1h23m", "dev 4m!", "dev expired".
const DefaultFormat = "{{.Profile}} {{.Left}}{{.Mark}}"

// Segment is the prompt's view of the session exported into a shell. Its
// methods are the fields a --format template can use.
type Segment struct {
	Profile    string
	Expiration time.Time
	RefreshAt  time.Time // the hook refreshes at or after this instant
	Now        time.Time
}

// SegmentFromEnv reads the session that `awsmfa env` exported
// (AWSMFA_PROFILE, AWSMFA_EXPIRATION and AWSMFA_REFRESH_AT, Unix seconds).
// ok is false when none is exported; err says which variable is malformed.
func SegmentFromEnv(getenv func(string) string, now time.Time) (s Segment, ok bool, err error) {
	exp, refresh := getenv(exporter.EnvExpiration), getenv(exporter.EnvRefreshAt)
	if exp == "" && refresh == "" {
		return Segment{}, false, nil
	}
	s = Segment{Profile: getenv(exporter.EnvProfile), Now: now}
	if s.Expiration, err = unixEnv(exporter.EnvExpiration, exp, s.Profile); err != nil {
		return Segment{}, false, err
	}
	if refresh == "" {
		s.RefreshAt = s.Expiration
	} else if s.RefreshAt, err = unixEnv(exporter.EnvRefreshAt, refresh, s.Profile); err != nil {
		return Segment{}, false, err
	}
	return s, true, nil
}

func unixEnv(name, value, profile string) (time.Time, error) {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 {
		if profile == "" {
			profile = "PROFILE"
		}
		return time.Time{}, fmt.Errorf("%s=%q is not Unix seconds\nrun eval \"$(awsmfa env %s)\" again", name, value, profile)
	}
	return time.Unix(n, 0).UTC(), nil
}

// seconds is the whole seconds left, counted as the shell hooks count them.
func (s Segment) seconds() int64 { return s.Expiration.Unix() - s.Now.Unix() }

// Remaining is the time left before the session expires, in whole seconds;
// zero or negative once it has.
func (s Segment) Remaining() time.Duration { return time.Duration(s.seconds()) * time.Second }

// Expired reports whether the session has expired.
func (s Segment) Expired() bool { return s.seconds() <= 0 }

// Due reports whether the session is inside its refresh margin (or expired):
// the hook refreshes it at the next prompt.
func (s Segment) Due() bool { return s.Now.Unix() >= s.RefreshAt.Unix() }

// Left is the time left, short: "1h23m" (minutes padded to two digits from
// an hour up), "4m", "45s", or "expired".
func (s Segment) Left() string { return human.Left(s.Remaining()) }

// Mark is "!" while the session is due but not yet expired, else "".
func (s Segment) Mark() string {
	if s.Due() && !s.Expired() {
		return "!"
	}
	return ""
}

// String is the default segment: "dev 1h23m", "dev 4m!", "dev expired".
func (s Segment) String() string { return s.Profile + " " + s.Left() + s.Mark() }

// Template parses a --format template for Render; its error says what to fix.
func Template(format string) (*template.Template, error) {
	t, err := template.New("prompt").Option("missingkey=error").Parse(format)
	if err != nil {
		return nil, fmt.Errorf("bad --format template: %v\nfields: .Profile .Left .Mark .Due .Expired .Remaining .Expiration .RefreshAt", strings.TrimPrefix(err.Error(), "template: "))
	}
	return t, nil
}

// ANSI colours of the segment: fine, due, expired.
const (
	colorOK      = "\x1b[32m"
	colorDue     = "\x1b[33m"
	colorExpired = "\x1b[31m"
	colorReset   = "\x1b[0m"
)

// Render writes s through t, followed by a newline. With color it is
// green while fine, yellow when due and red once expired.
func Render(w io.Writer, t *template.Template, s Segment, color bool) error {
	var b strings.Builder
	if err := t.Execute(&b, s); err != nil {
		return fmt.Errorf("bad --format template: %v", strings.TrimPrefix(err.Error(), "template: "))
	}
	out := b.String()
	if color && out != "" {
		c := colorOK
		switch {
		case s.Expired():
			c = colorExpired
		case s.Due():
			c = colorDue
		}
		out = c + out + colorReset
	}
	_, err := io.WriteString(w, out+"\n")
	if err != nil {
		return errors.New("cannot write the prompt segment: " + err.Error())
	}
	return nil
}
