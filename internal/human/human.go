// Package human writes durations the way awsmfa's messages and prompt
// segment show them: "1h30m" for a setting, "1h23m" for time left.
package human

import (
	"fmt"
	"strconv"
	"time"
)

// Duration is d as people write it, to the nearest second: "12h", "1h30m",
// "15m", "1m30s", "1h1s"; "0s" for zero or less. Settings (durations,
// margins) are shown this way.
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "0s"
	}
	out := ""
	if h := d / time.Hour; h > 0 {
		out += strconv.FormatInt(int64(h), 10) + "h"
	}
	if m := d % time.Hour / time.Minute; m > 0 {
		out += strconv.FormatInt(int64(m), 10) + "m"
	}
	if s := d % time.Minute / time.Second; s > 0 {
		out += strconv.FormatInt(int64(s), 10) + "s"
	}
	return out
}

// Left is time left on a session as the prompt segment shows it, short and
// truncated: "1h23m" (minutes padded to two digits from an hour up), "45m",
// "30s"; "expired" for zero or less.
func Left(d time.Duration) string {
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int64(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int64(d/time.Minute))
	}
	return fmt.Sprintf("%dh%02dm", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
}
