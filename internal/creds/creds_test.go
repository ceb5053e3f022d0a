package creds

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNeverPrintsSecrets(t *testing.T) {
	c := Credentials{
		AccessKeyID:     "ASIAEXAMPLE",
		SecretAccessKey: "secret-SHOULD-NOT-APPEAR",
		SessionToken:    "token-SHOULD-NOT-APPEAR",
		Expiration:      time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "creds", c)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "creds", c)
	outputs := []string{
		c.String(), c.GoString(),
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c),
		fmt.Sprintf("%v", &c), fmt.Sprintf("%+v", []Credentials{c}),
		logged.String(),
	}
	for _, out := range outputs {
		if strings.Contains(out, "SHOULD-NOT-APPEAR") {
			t.Errorf("secret leaked: %s", out)
		}
		if !strings.Contains(out, "ASIAEXAMPLE") {
			t.Errorf("access key id missing: %s", out)
		}
	}
}

func TestTTL(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		exp  time.Time
		want time.Duration
	}{
		{time.Time{}, 0},
		{now.Add(time.Hour), time.Hour},
		{now.Add(-time.Minute), -time.Minute},
	} {
		if got := (Credentials{Expiration: tc.exp}).TTL(now); got != tc.want {
			t.Errorf("TTL(%v) = %v, want %v", tc.exp, got, tc.want)
		}
	}
}
