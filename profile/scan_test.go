package profile

import (
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// TestStreamedLargeFile resolves from a config file larger than the buffer
// it is streamed through, with the awkward cases placed where the buffer
// splits the file, and checks every result against reading the file whole.
func TestStreamedLargeFile(t *testing.T) {
	r, cfgPath := manyProfiles(t, 3000) // some 480 KB
	orig, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	base := string(orig)
	if len(base) < 4*awsini.ChunkSize {
		t.Fatalf("the config is only %d bytes", len(base))
	}
	long := strings.Repeat("x", 3*awsini.ChunkSize)
	tests := []struct {
		name, config, profile string
		errPart               string // "" for a plan
	}{
		{"plain", base, "team01500", ""},
		{"first", base, "team00000", ""},
		{"last", base, "team02999", ""},
		{"byte-order mark", awsini.BOM + base, "team02999", ""},
		{"no final newline", strings.TrimSuffix(base, "\n"), "team02999", ""},
		{"header last", base + "[profile tail]", "team02999", ""},
		{"line longer than the buffer", strings.Replace(base, "[profile team01500]\n", "[profile team01500]\nnote = "+long+"\n", 1), "team01500", ""},
		{"continuation longer than the buffer", strings.Replace(base, "[profile team01500]\n", "[profile team01500]\ns3 =\n  x = "+long+"\n", 1), "team01500", ""},
		{"CRLF", strings.ReplaceAll(base, "\n", "\r\n"), "team02000", ""},
		{"bad last line", base + "oops\n", "team01500", "config:"},
		{"bad line in the middle", strings.Replace(base, "[profile team01700]\n", "[profile team01700]\noops\n", 1), "team01500", "config:"},
		{"bad line at a buffer's end", base[:awsini.ChunkSize-3] + "\nfoo\n" + base[awsini.ChunkSize-3:], "team01500", "config:"},
		{"key set twice", strings.Replace(base, "[profile team01500]\n", "[profile team01500]\nregion = a\n", 1), "team01500", "region is set twice"},
		{"section twice", base + "[profile team01500]\nregion = b\n", "team01500", "appears again"},
		{"unknown profile", base, "team9", "no profile named"},
		{"DEFAULT", base + "[DEFAULT]\nexternal_id = abcdef\n", "team01500", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(cfgPath, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := r.Resolve(Options{Profile: tt.profile})
			if tt.errPart == "" && err != nil || tt.errPart != "" && (err == nil || !strings.Contains(err.Error(), tt.errPart)) {
				t.Fatalf("Resolve = %v, %v; want an error with %q", p, err, tt.errPart)
			}
			var se *SyntaxError
			if errors.As(err, &se) && se.Line == 0 {
				t.Errorf("no line in %v", err)
			}
			// Read whole, and streamed through buffers of two sizes.
			for _, chunk := range []int{-1, 0, 1000} {
				r2 := *r
				r2.chunk = chunk
				p2, err2 := r2.Resolve(Options{Profile: tt.profile})
				if !sameResult(p, err, p2, err2) {
					t.Fatalf("chunk %d: Resolve = %+v, %v; streamed %+v, %v", chunk, p2, err2, p, err)
				}
			}
		})
	}
}

// TestStreamedChanged rewrites a streamed file between the scan and the
// read of a section: the result is an error, never a wrong plan or a panic.
func TestStreamedChanged(t *testing.T) {
	r, cfgPath := manyProfiles(t, 3000)
	files, err := r.Paths()
	if err != nil {
		t.Fatal(err)
	}
	f, err := loadFile(files.Config, "config", true, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	if !f.ix.Streamed() {
		t.Fatal("not streamed")
	}
	i, err := f.lookup("team01500")
	if err != nil || i < 0 {
		t.Fatal(i, err)
	}
	if _, err := f.props(i); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte("[profile x]\nregion = y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := f.props(i); err == nil || !strings.Contains(err.Error(), "changed while awsmfa was reading it") {
		t.Fatalf("props = %v, %v", p, err)
	}
}

// TestPlainKey checks plainKey against plainProfileName and hashKey.
func TestPlainKey(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("ab-_. \t\"'\\\x00\x1f!\x80\xff~")
	missed := 0
	for range 20000 {
		b := []byte("profile ")
		if rnd.IntN(10) == 0 {
			b = []byte("profile")
		}
		for range rnd.IntN(30) {
			if rnd.IntN(3) == 0 {
				b = append(b, alphabet[rnd.IntN(len(alphabet))])
			} else {
				b = append(b, byte('a'+rnd.IntN(26)))
			}
		}
		h := string(b)
		key, ok := plainKey(h)
		// It may miss a plain header (after a byte it rejects), then
		// sectionKey takes the long way to the same key.
		plain := plainProfileName(h) != ""
		if ok && (!plain || key != hashKey(h)) {
			t.Fatalf("plainKey(%q) = %x, %v; plainProfileName %q, hashKey %x", h, key, ok, plainProfileName(h), hashKey(h))
		}
		if plain && !ok {
			missed++
		}
		f := &file{isConfig: true}
		if name := f.sectionName(h); f.sectionKey(h) != hashKey(f.nameKey(name)) {
			t.Fatalf("sectionKey(%q) is not the key of %q", h, name)
		}
	}
	if missed > 200 {
		t.Errorf("plainKey missed %d plain headers of 20000", missed)
	}
}
