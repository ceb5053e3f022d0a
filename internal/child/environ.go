package child

import "strings"

// Environ returns base without the variables named in unset or set, then
// with set (NAME=value pairs) appended in order. A name appears at most once
// in the result, so no tool can pick up a stale copy.
func Environ(base, unset, set []string) []string {
	drop := make(map[string]bool, len(unset)+len(set))
	for _, n := range unset {
		drop[n] = true
	}
	for _, kv := range set {
		n, _, _ := strings.Cut(kv, "=")
		drop[n] = true
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		n, _, _ := strings.Cut(kv, "=")
		if !drop[n] {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}
