package awsini

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// KV is one key and its value.
type KV struct {
	Key, Value string
}

// checkName refuses a section name that cannot be written as one header
// line that reads back as the same name.
func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "\r\n") || trim(name) != name {
		return fmt.Errorf("cannot write a section named %q: give a name on one line, without leading or trailing blanks", name)
	}
	return nil
}

// checkKV refuses what would not read back as written: a key that is not a
// single word, a value on several lines or with blanks at either end (the
// AWS CLI trims them). The message never shows a value: it may be a secret.
func checkKV(kv KV) error {
	k := kv.Key
	if k == "" || strings.ContainsAny(k, "=:[]#; \t\r\n\v\f") {
		return fmt.Errorf("cannot write the key %q: a key is one word without = : [ ] # ;", k)
	}
	if strings.ContainsAny(kv.Value, "\r\n") || trim(kv.Value) != kv.Value {
		return fmt.Errorf("cannot write the value of %s: it must be on one line without leading or trailing blanks", k)
	}
	return nil
}

// ending returns the line ending of line i ("" for a last line without one).
func (f *File) ending(i int) string {
	ln := f.lines[i]
	b := f.data[ln.start:ln.end]
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		return "\r\n"
	case bytes.HasSuffix(b, []byte("\n")):
		return "\n"
	}
	return ""
}

// Set sets each key in section name, leaving every other byte of the file
// as it was. A key already there keeps its line, indentation, spelling and
// spacing, and gets the new value (a nested setting loses its indented
// lines). Missing keys go after the section's last key, in the order given,
// as "key = value" indented like that key. A missing section goes at the
// end of the file, after a blank line. New lines end like the file's first
// line (LF or CRLF).
func (f *File) Set(name string, kvs ...KV) error {
	if err := checkName(name); err != nil {
		return err
	}
	for _, kv := range kvs {
		if err := checkKV(kv); err != nil {
			return err
		}
	}
	si, err := f.lookup(name)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if si < 0 {
		out.Write(f.data)
		if n := len(f.lines); n > 0 {
			if f.ending(n-1) == "" {
				out.WriteString(f.newline)
			}
			if last := f.lines[n-1]; last.kind != blank || trim(string(f.data[last.start:last.end])) != "" {
				out.WriteString(f.newline)
			}
		}
		out.WriteString("[" + name + "]" + f.newline)
		for _, kv := range kvs {
			out.WriteString(kv.Key + " = " + kv.Value + f.newline)
		}
		return f.commit(out.Bytes(), name, kvs, nil)
	}

	s := f.sections[si]
	replace := map[int]KV{} // key line -> new value
	skip := map[int]bool{}  // continuation lines of replaced keys
	var missing []KV
	for _, kv := range kvs {
		found := false
		for _, k := range s.keys {
			if strings.EqualFold(k.name, kv.Key) {
				replace[k.first] = kv
				for j := k.first + 1; j <= k.last; j++ {
					skip[j] = true
				}
				found = true
			}
		}
		if !found {
			missing = append(missing, kv)
		}
	}
	at := s.end - 1 // new keys go after this line
	like := f.lines[s.head]
	if len(s.keys) > 0 {
		like = f.lines[s.keys[len(s.keys)-1].first]
	}
	indent := string(f.data[like.start+like.pre : like.start+like.pre+like.indent])
	for i, ln := range f.lines {
		switch {
		case skip[i]:
			// A replaced key's continuation lines go with it; keep the
			// line ending of the last one on the key line.
		case hasKey(replace, i):
			kv := replace[i]
			raw := string(f.data[ln.start:ln.end])
			prefix := raw[:ln.delim+1]
			rest := raw[ln.delim+1:]
			gap := rest[:len(rest)-len(strings.TrimLeft(rest, " \t"))]
			if ln.value == "" {
				gap = " "
			}
			last := i
			for skip[last+1] {
				last++
			}
			out.WriteString(prefix + gap + kv.Value + f.ending(last))
		default:
			out.Write(f.data[ln.start:ln.end])
		}
		if i == at && len(missing) > 0 {
			if b := out.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
				out.WriteString(f.newline)
			}
			for _, kv := range missing {
				out.WriteString(indent + kv.Key + " = " + kv.Value + f.newline)
			}
		}
	}
	return f.commit(out.Bytes(), name, kvs, nil)
}

func hasKey(m map[int]KV, i int) bool {
	_, ok := m[i]
	return ok
}

// Unset removes each key that section name has, with its nested lines.
// Keys and sections that are not there are not an error.
func (f *File) Unset(name string, keys ...string) error {
	si, err := f.lookup(name)
	if err != nil || si < 0 {
		return err
	}
	drop := map[int]bool{}
	var gone []string
	for _, k := range f.sections[si].keys {
		for _, want := range keys {
			if strings.EqualFold(k.name, want) {
				for j := k.first; j <= k.last; j++ {
					drop[j] = true
				}
				gone = append(gone, want)
			}
		}
	}
	if len(drop) == 0 {
		return nil
	}
	var out bytes.Buffer
	for i, ln := range f.lines {
		if !drop[i] {
			out.Write(f.data[ln.start:ln.end])
		}
	}
	return f.commit(out.Bytes(), name, nil, gone)
}

// snapshot is what a file says, section by section: the keys and values,
// used to check that an edit changed only what it was asked to.
type snapshot []sectionKeys

// sectionKeys is one section's name and keys (lower case) with values.
type sectionKeys struct {
	name string
	keys []KV
}

func (f *File) snapshot() snapshot {
	out := make(snapshot, len(f.sections))
	for i, s := range f.sections {
		out[i].name = s.name
		for _, k := range s.keys {
			out[i].keys = append(out[i].keys, KV{strings.ToLower(k.name), k.value})
		}
	}
	return out
}

// commit parses data, checks that it differs from the file only in section
// name, where the keys set now read back with their values and the keys
// unset are gone, and then makes it the file's content.
func (f *File) commit(data []byte, name string, set []KV, unset []string) error {
	g, err := Parse(f.name, data)
	if err != nil {
		return fmt.Errorf("editing [%s] of %s would break the file (%v); nothing was written", name, f.name, err)
	}
	want := f.snapshot()
	si := slices.IndexFunc(want, func(s sectionKeys) bool { return s.name == name })
	if si < 0 {
		want = append(want, sectionKeys{name: name})
		si = len(want) - 1
	}
	keys := slices.Clone(want[si].keys)
	for _, kv := range set {
		k := strings.ToLower(kv.Key)
		if j := slices.IndexFunc(keys, func(x KV) bool { return x.Key == k }); j >= 0 {
			keys[j].Value = kv.Value
		} else {
			keys = append(keys, KV{k, kv.Value})
		}
	}
	for _, u := range unset {
		keys = slices.DeleteFunc(keys, func(x KV) bool { return x.Key == strings.ToLower(u) })
	}
	want[si].keys = keys
	got := g.snapshot()
	if !slices.EqualFunc(want, got, func(a, b sectionKeys) bool {
		return a.name == b.name && slices.Equal(a.keys, b.keys)
	}) {
		return fmt.Errorf("editing [%s] of %s would change how other lines read (unusual indentation?); nothing was written\nedit the file by hand, or move [%s] to the end of it", name, f.name, name)
	}
	*f = *g
	return nil
}
