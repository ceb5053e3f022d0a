package human

import (
	"testing"
	"time"
)

func TestDurationAndLeft(t *testing.T) {
	for _, tc := range []struct {
		d              time.Duration
		duration, left string
	}{
		{0, "0s", "expired"},
		{-time.Second, "0s", "expired"},
		{500 * time.Millisecond, "1s", "0s"},
		{42 * time.Second, "42s", "42s"},
		{90 * time.Second, "1m30s", "1m"},
		{15 * time.Minute, "15m", "15m"},
		{59*time.Minute + 59*time.Second, "59m59s", "59m"},
		{time.Hour, "1h", "1h00m"},
		{time.Hour + time.Second, "1h1s", "1h00m"},
		{time.Hour + 23*time.Minute + 5*time.Second, "1h23m5s", "1h23m"},
		{90 * time.Minute, "1h30m", "1h30m"},
		{36 * time.Hour, "36h", "36h00m"},
	} {
		if got := Duration(tc.d); got != tc.duration {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.duration)
		}
		if got := Left(tc.d); got != tc.left {
			t.Errorf("Left(%v) = %q, want %q", tc.d, got, tc.left)
		}
	}
}
