package awsini

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// testKey is an Index.Key for the tests: any function of the header will
// do.
func testKey(header string) uint32 { return uint32(len(header)) }

// checkScan checks that the fast paths of Parse, scanner.lines and
// scanner.masked, accept exactly what the lexer accepts and index the same
// sections; and that Parse, on a line the scan refuses, gives the lexer's
// error.
func checkScan(t *testing.T, data string) {
	t.Helper()
	slow := &Index{File: "f", Data: data}
	err := slow.lex()
	for _, masked := range []bool{false, true} {
		fast := &Index{File: "f", Data: data}
		sc := scanner{x: fast}
		ok := false
		if masked {
			ok = sc.masked(data, 0)
		} else {
			ok = sc.lines(data, 0)
		}
		if ok != (err == nil) {
			t.Fatalf("masked %v, %q: scan says %v, lexer says %v", masked, data, ok, err)
		}
		if !ok {
			continue
		}
		same := func(a, b any, n int) bool { return n == 0 || reflect.DeepEqual(a, b) }
		if len(fast.Sections) != len(slow.Sections) || !same(fast.Sections, slow.Sections, len(fast.Sections)) ||
			len(fast.Defaults) != len(slow.Defaults) || !same(fast.Defaults, slow.Defaults, len(fast.Defaults)) {
			t.Fatalf("masked %v, %q: scan indexes %+v %v, lexer %+v %v", masked, data, fast.Sections, fast.Defaults, slow.Sections, slow.Defaults)
		}
	}
	if err != nil {
		whole := Index{File: "f"}
		if perr := whole.Parse([]byte(data)); !strings.HasPrefix(data, BOM) && (perr == nil || perr.Error() != err.Error()) {
			t.Fatalf("%q: Parse says %v, lexer says %v", data, perr, err)
		}
	}
}

// FuzzScan: on any input, both scans (lines and masked) accept what the
// lexer accepts and index the same sections. Seeds are in testdata/fuzz/FuzzScan: the
// files of profile's FuzzResolve corpus and dialect tests.
func FuzzScan(f *testing.F) {
	f.Add("[profile dev]\nregion = x\n")
	f.Fuzz(func(t *testing.T, data string) {
		checkScan(t, data)
	})
}

// TestScanMatchesLexer runs checkScan on awkward inputs, the fuzz corpus,
// and every line of those with each of a few awkward bytes put in it.
func TestScanMatchesLexer(t *testing.T) {
	inputs := []string{"", "\n", " ", "[", "[]", "[a]", "[a", "a=b", "[a]\n=b", "[a]\n:b", "[a]\nb", "[a]\n b", "[a]\nb=c\n d", "[a]\nb=c\n [d", "[a]\n[b\n", "[a]\n[b=c\n",
		"[a]\n[b]c=d]\n", "[a]\n\t\r\n", "[a]\nk\n=v", "[a]\r\nk:\r\n", "\v[a]\f\n", "[a]]\n[]]\n", "[a]\nb=c\n  d\n  [e\n f=\n"}
	dir := filepath.Join("testdata", "fuzz", "FuzzScan")
	seeds, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(filepath.Join(dir, s.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "string("); ok {
				if u, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
					inputs = append(inputs, u)
				}
			}
		}
	}
	for _, in := range inputs {
		checkScan(t, in)
		for _, b := range []string{"\n", "[", "]", "=", ":", " ", "#", "\t"} {
			for i := 0; i <= len(in) && i < 200; i++ {
				checkScan(t, in[:i]+b+in[i:])
			}
		}
	}
}

// TestScanLong runs checkScan on inputs longer than one block and one
// batch of masked, with lines of every length, so that lines, headers and
// runs without a delimiter cross the blocks' edges.
func TestScanLong(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"[profile a%d]\n", "key%d = value\n", "k%d=v\n", "\n", "  cont%d\n", "# c%d\n", "x%d\n", "[s%d]\r\n", "ab: c%d\r\n", "  nested%d = 1\n", strings.Repeat("v", 70) + "%d = 1\n", "k%d = " + strings.Repeat("w", 130) + "\n", "1k%d = v\n", "-x%d: 1\n", "\"q%d\" = 1\n", "=%d\n", ";c%d\n", "[%d\n", "\tk%d = 2\n", "\r\n", "é%d = 3\n", "[profile  \"a b%d\"]\n"}
	for iter := range 300 {
		var b strings.Builder
		b.WriteString("[first]\n")
		for b.Len() < 200+rnd.IntN(9000) {
			p := pieces[rnd.IntN(len(pieces))]
			if p == "x%d\n" && rnd.IntN(20) != 0 {
				continue // a bad line, now and then
			}
			fmt.Fprintf(&b, p, rnd.IntN(1000))
		}
		s := b.String()
		if iter%2 == 1 {
			s = strings.TrimSuffix(s, "\n")
		}
		checkScan(t, s)
	}
}

// TestScanEnds runs checkScan on inputs of every length from 1 to 300
// bytes, each ending in one of a few kinds of last line, with or without
// its newline, so that the end of the data meets every position of a
// block of masked.
func TestScanEnds(t *testing.T) {
	for _, last := range []string{"A000", "A=0", "A:", "[a]", "[a", " x", "#c", "=0", "x", "[a]b"} {
		for _, nl := range []string{"", "\n", "\r\n"} {
			for n := 1; n <= 300; n++ {
				head := "[s]\nk = " + strings.Repeat("v", max(0, n-len("[s]\nk = \n")-len(last)-len(nl))) + "\n"
				checkScan(t, head+last+nl)
			}
		}
	}
}

// TestClassify checks classify and its assembly (on amd64) against
// classifyGo, in calls of one to five blocks carrying their state.
func TestClassify(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\n\n\n=:[]#; \t\r\v\fabc\x00\x80\xff\x1f!")
	for range 3000 {
		blocks := 1 + rnd.IntN(5)
		b := make([]byte, blocks*64)
		for i := range b {
			if rnd.IntN(4) == 0 {
				b[i] = byte(rnd.IntN(256))
			} else {
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			}
		}
		start := blockState{nl: uint64(rnd.IntN(2)), run: uint64(rnd.IntN(2))}
		want := make([]blockMasks, blocks)
		wantSt := start
		classifyGo(&b[0], blocks, &want[0], &wantSt)
		for _, f := range classifiers {
			got := make([]blockMasks, blocks)
			st := start
			f.fn(&b[0], blocks, &got[0], &st)
			if !reflect.DeepEqual(got, want) || st != wantSt {
				t.Fatalf("%s(%q, %+v) = %x %+v, want %x %+v", f.name, b, start, got, st, want, wantSt)
			}
		}
	}
}

// TestStream streams files through buffers of a few sizes and checks the
// marks, the sections read from them and their bodies against the file
// read whole.
func TestStream(t *testing.T) {
	var b strings.Builder
	b.WriteString(BOM + "[DEFAULT]\nregion = d\n")
	for i := range 300 {
		fmt.Fprintf(&b, "\n[profile p%03d]\nregion = r%d\ns3 =\n  max = %d\n", i, i, i)
	}
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var whole Index
	if err := whole.Parse([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{16, 100, ChunkSize} {
		src, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		x := Index{File: "config", Key: testKey}
		if err := x.Stream(src, chunk, int64(b.Len())); err != nil {
			t.Fatal(err)
		}
		if !x.Streamed() || x.Len() != whole.Len() || !reflect.DeepEqual(x.Defaults, whole.Defaults) {
			t.Fatalf("chunk %d: %d sections, defaults %v; want %d, %v", chunk, x.Len(), x.Defaults, whole.Len(), whole.Defaults)
		}
		for i := range x.Len() {
			s, err := x.Section(i)
			if err != nil || *s != whole.Sections[i] || x.MarkKey(i) != testKey(s.Header) {
				t.Fatalf("chunk %d: section %d = %+v, %v; want %+v", chunk, i, s, err, whole.Sections[i])
			}
			got, want := body(t, &x, i), body(t, &whole, i)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("chunk %d: body of %d = %+v, want %+v", chunk, i, got, want)
			}
		}
		x.Close()
	}
}

// body returns the tokens of section i's body, less their offsets.
func body(t *testing.T, x *Index, i int) []Token {
	t.Helper()
	lx, err := x.Body(i)
	if err != nil {
		t.Fatal(err)
	}
	var out []Token
	for k := lx.Next(); k != 0 && k != SectionLine; k = lx.Next() {
		tok := *lx.Token()
		tok.Start, tok.End, tok.Delim = 0, 0, 0
		out = append(out, tok)
	}
	if err := lx.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// benchConfig is the config of make bench with n profiles (profile's
// benchConfig), 190 bytes a profile.
func benchConfig(n int) string {
	const serial = "arn:aws:iam::123456789012:mfa/demo"
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[profile dev]\nmfa_serial = %s\nmfa_process = /tmp/bin/stsemu code --url http://127.0.0.1:4567 --serial %s\n\n", serial, serial)
	fmt.Fprintf(&cfg, "[profile admin]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/demo-admin\nmfa_serial = %s\nmfa_process = /tmp/bin/stsemu code --url http://127.0.0.1:4567 --serial %s\n", serial, serial)
	for i := 3; i <= n; i++ {
		fmt.Fprintf(&cfg, "\n[profile team-%05d]\nsource_profile = dev\nrole_arn = arn:aws:iam::123456789012:role/team-%05d\nmfa_serial = %s\nregion = eu-west-1\nduration_seconds = 3600\n", i, i, serial)
	}
	return cfg.String()
}

// benchCredentials is a credentials file of n sessions, each with a
// session token of 1100 bytes.
func benchCredentials(n int) string {
	var cred strings.Builder
	token := strings.Repeat("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", 20)
	for i := range n {
		fmt.Fprintf(&cred, "[s%04d]\naws_access_key_id = ASIAEXAMPLE%05d\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_session_token = %s\nexpiration = 2026-01-01T00:00:00Z\n\n", i, i, token)
	}
	return cred.String()
}

// TestLongLines checks which scan scanner.scan picks: masked for a config
// file, lines for session tokens, whatever the data's size.
func TestLongLines(t *testing.T) {
	tests := []struct {
		name, data string
		want       bool
	}{
		{"config", benchConfig(10000), false},
		{"small config", benchConfig(3), false},
		{"credentials with sessions", benchCredentials(2000), true},
		{"one session", benchCredentials(1), true},
		{"credentials with keys", strings.Repeat("[k]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n", 100), false},
		{"lines of 127 bytes", strings.Repeat("k = "+strings.Repeat("v", 122)+"\n", 100), false},
		{"lines of 129 bytes", strings.Repeat("k = "+strings.Repeat("v", 124)+"\n", 100), true},
		{"short", "[s]\naws_session_token = " + strings.Repeat("t", 900) + "\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := longLines(tt.data); got != tt.want {
			t.Errorf("%s: longLines = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// BenchmarkScan checks, in memory, the config of make bench with 10000
// profiles, and a credentials file of 2000 sessions (long tokens): the
// line scan alone, without reading the file, by scan (what Parse and
// Stream run) and by each of the two it chooses from.
func BenchmarkScan(b *testing.B) {
	for _, tt := range []struct {
		name     string
		data     string
		sections int
	}{{"config", benchConfig(10000), 10000}, {"credentials", benchCredentials(2000), 2000}} {
		for _, streamed := range []bool{false, true} {
			for _, how := range []string{"scan", "lines", "masked"} {
				name := tt.name + "/" + how
				if streamed {
					name += "-streamed"
				}
				b.Run(name, func(b *testing.B) {
					data := tt.data
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					x := &Index{Data: data, Key: testKey}
					for b.Loop() {
						x.Sections, x.marks = x.Sections[:0], x.marks[:0]
						sc := scanner{x: x, streamed: streamed}
						ok := false
						switch how {
						case "scan":
							ok = sc.scan(data, 0)
						case "lines":
							ok = sc.lines(data, 0)
						default:
							ok = sc.masked(data, 0)
						}
						if !ok || len(x.Sections)+len(x.marks) != tt.sections {
							b.Fatal(len(x.Sections), len(x.marks))
						}
					}
				})
			}
		}
	}
}
