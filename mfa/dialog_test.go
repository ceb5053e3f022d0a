package mfa

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDialogFor: AWSMFA_DIALOG, the desktop variables and what is
// installed choose the dialog, or none.
func TestDialogFor(t *testing.T) {
	both, zen, none := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{both, zen} {
		if err := os.WriteFile(filepath.Join(dir, "zenity"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"kdialog", "osascript"} {
		if err := os.WriteFile(filepath.Join(both, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Not executable: not a program.
	if err := os.WriteFile(filepath.Join(none, "zenity"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		env      map[string]string
		goos     string
		want     string // program, or "" for none
		unusable string // part of Unusable's message
		err      string
	}{
		{"auto picks zenity on X", map[string]string{"DISPLAY": ":0", "PATH": both}, "linux", "zenity", "", ""},
		{"auto picks zenity on Wayland", map[string]string{"WAYLAND_DISPLAY": "wayland-0", "PATH": both}, "linux", "zenity", "", ""},
		{"auto prefers kdialog on KDE", map[string]string{"DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "KDE", "PATH": both}, "linux", "kdialog", "", ""},
		{"auto falls back to what is there", map[string]string{"DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "KDE", "PATH": zen}, "linux", "zenity", "", ""},
		{"auto without a desktop", map[string]string{"PATH": both}, "linux", "", "", ""},
		{"auto without a program", map[string]string{"DISPLAY": ":0", "PATH": none}, "linux", "", "", ""},
		{"a relative PATH entry is not searched", map[string]string{"DISPLAY": ":0", "PATH": "."}, "linux", "", "", ""},
		{"auto on macOS", map[string]string{"PATH": both}, "darwin", "osascript", "", ""},
		{"explicit auto", map[string]string{"AWSMFA_DIALOG": "Auto", "DISPLAY": ":0", "PATH": both}, "linux", "zenity", "", ""},
		{"off", map[string]string{"AWSMFA_DIALOG": "off", "DISPLAY": ":0", "PATH": both}, "linux", "", "", ""},
		{"chosen", map[string]string{"AWSMFA_DIALOG": "kdialog", "DISPLAY": ":0", "PATH": both}, "linux", "kdialog", "", ""},
		{"chosen, not installed", map[string]string{"AWSMFA_DIALOG": "kdialog", "DISPLAY": ":0", "PATH": zen}, "linux", "kdialog", "kdialog is not in PATH", ""},
		{"chosen, no desktop", map[string]string{"AWSMFA_DIALOG": "zenity", "PATH": zen}, "linux", "zenity", "neither DISPLAY nor WAYLAND_DISPLAY", ""},
		{"osascript needs no DISPLAY", map[string]string{"AWSMFA_DIALOG": "osascript", "PATH": both}, "darwin", "osascript", "", ""},
		{"unknown", map[string]string{"AWSMFA_DIALOG": "yad"}, "linux", "", "", `AWSMFA_DIALOG="yad": use auto, zenity, kdialog, osascript or off`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DialogFor(func(k string) string { return tc.env[k] }, tc.goos)
			switch {
			case tc.err != "":
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			case err != nil:
				t.Fatal(err)
			case tc.want == "":
				if d != nil {
					t.Fatalf("got %+v, want no dialog", d)
				}
				return
			case d == nil || d.Program != tc.want:
				t.Fatalf("got %+v, want %s", d, tc.want)
			}
			if tc.unusable == "" && (d.Unusable != nil || !filepath.IsAbs(d.Path)) {
				t.Fatalf("got %+v, want a usable %s", d, tc.want)
			}
			if tc.unusable != "" && (d.Unusable == nil || !strings.Contains(d.Unusable.Error(), tc.unusable)) {
				t.Fatalf("Unusable = %v, want %q", d.Unusable, tc.unusable)
			}
		})
	}
}

// TestDialogText: each program gets the profile and device as one
// argument, escaped for what it interprets.
func TestDialogText(t *testing.T) {
	lines := func() []string { return []string{`MFA code for profile <b>x</b>&_\n'"`, "MFA device d"} }
	for _, tc := range []struct {
		program string
		want    string // the argument that holds the text
	}{
		{"zenity", `MFA code for profile <b>x</b>&__\\n'"` + "\nMFA device d"},
		{"kdialog", `<qt>MFA code for profile &lt;b&gt;x&lt;/b&gt;&amp;&amp;_&#92;n&#39;&quot;<br>MFA device d</qt>`},
		{"osascript", `MFA code for profile <b>x</b>&_\n'"` + "\nMFA device d"},
	} {
		p, ok := programFor(tc.program)
		if !ok {
			t.Fatalf("no program %s", tc.program)
		}
		args := p.args(dialogTitle, lines())
		found := false
		for _, a := range args {
			found = found || a == tc.want
		}
		if !found {
			t.Errorf("%s: no argument is %q in %q", tc.program, tc.want, args)
		}
	}
}
