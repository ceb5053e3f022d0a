package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeExport(t *testing.T, dir, name string, times ...[]float64) string {
	t.Helper()
	var e export
	for i, ts := range times {
		e.Results = append(e.Results, result{Command: "cmd" + string(rune('a'+i)), Mean: 1, Times: ts})
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStats(t *testing.T) {
	dir := t.TempDir()
	one := writeExport(t, dir, "one.json", []float64{1, 3}, []float64{10, 10})
	two := writeExport(t, dir, "two.json", []float64{5, 7}, []float64{10, 10})
	short := writeExport(t, dir, "short.json", []float64{1, 2})
	empty := writeExport(t, dir, "empty.json", []float64{})
	junk := filepath.Join(dir, "junk.json")
	if err := os.WriteFile(junk, []byte("Command took less than 5 ms"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		files   []string
		want    string
		wantErr string
	}{
		// Pooled over rounds: cmda ran 1, 3, 5, 7 (mean 4, sample sd
		// sqrt(20/3)); cmdb always 10.
		{name: "two rounds pooled", files: []string{one, two}, want: "4.000000000 2.581988897\n10.000000000 0.000000000\n"},
		{name: "one round", files: []string{one}, want: "2.000000000 1.414213562\n10.000000000 0.000000000\n"},
		{name: "rounds of different commands", files: []string{one, short}, wantErr: "1 results, want 2"},
		{name: "no run times", files: []string{empty}, wantErr: "no run times"},
		{name: "not JSON", files: []string{junk}, wantErr: "not a hyperfine JSON export"},
		{name: "missing file", files: []string{filepath.Join(dir, "none.json")}, wantErr: "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(append([]string{"stats"}, tc.files...), &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("stats printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}

// TestLoop times a real program and checks the export reads back.
func TestLoop(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("skipping: no true(1) in PATH to time")
	}
	p := filepath.Join(t.TempDir(), "loop.json")
	if err := run([]string{"loop", "-runs", "5", "-warmup", "1", "-export", p, truePath, truePath + " --ignored"}, nil); err != nil {
		t.Fatal(err)
	}
	var e export
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Results) != 2 || len(e.Results[0].Times) != 5 || e.Results[0].Mean <= 0 || e.Results[1].Command != truePath+" --ignored" {
		t.Errorf("export = %s", b)
	}
	if err := run([]string{"loop", "-runs", "2", "-export", p, "false-" + truePath}, nil); err == nil {
		t.Error("loop succeeded with a command that cannot run")
	}
}

func TestRSS(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("skipping: no true(1) in PATH to measure")
	}
	var out bytes.Buffer
	err = run([]string{"rss", "-runs", "2", "--", truePath}, &out)
	if err != nil {
		if strings.Contains(err.Error(), "Unix only") {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	if kib := strings.TrimSpace(out.String()); kib == "" || kib == "0" {
		t.Errorf("rss printed %q, want a peak in KiB", out.String())
	}
	if err := run([]string{"rss", "--", "false-" + truePath}, &out); err == nil {
		t.Error("rss succeeded with a command that cannot run")
	}
}
