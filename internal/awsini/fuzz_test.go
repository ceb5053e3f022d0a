package awsini

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzSet: on any input, Parse and Set either fail cleanly or produce a
// file that parses, holds the value set, and still starts with every line
// of the input before the edited section (edits never touch what precedes
// them).
func FuzzSet(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	for _, name := range files {
		a, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range a.Files {
			if file.Name == "in" {
				f.Add(file.Data, "x", "k", "v")
				f.Add(bytes.ReplaceAll(file.Data, []byte("\n"), []byte("\r\n")), "x", "aws_access_key_id", "ASIA")
			}
		}
	}
	f.Add([]byte("[a]\n  k = 1\n [b]\n"), "a", "j", "2")
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string) {
		file, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		head := -1
		if i, err := file.lookup(section); err == nil && i >= 0 {
			head = file.sections[i].head
		}
		var prefix []byte
		if head >= 0 {
			prefix = data[:file.lines[head].start]
		}
		if err := file.Set(section, KV{key, value}); err != nil {
			if !bytes.Equal(file.Bytes(), data) {
				t.Fatalf("a failed Set changed the file")
			}
			return
		}
		got, ok := file.Get(section, key)
		if !ok || got != value {
			t.Fatalf("after Set, Get = %q, %v; want %q", got, ok, value)
		}
		if !bytes.HasPrefix(file.Bytes(), prefix) {
			t.Fatalf("the lines before [%s] changed", section)
		}
		if head < 0 && !bytes.HasPrefix(file.Bytes(), bytes.TrimSuffix(data, []byte("\n"))) {
			t.Fatalf("adding a section changed the lines before it")
		}
		if _, err := Parse("fuzz", file.Bytes()); err != nil {
			t.Fatalf("the result does not parse: %v", err)
		}
	})
}
