package mfa

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLedgerFile: the record is private, written atomically, holds no
// code in clear; a corrupt file counts as empty and an unsafe one is
// refused with what to do.
func TestLedgerFile(t *testing.T) {
	dir := t.TempDir()
	u := &Ledger{Path: filepath.Join(dir, LedgerFile)}
	const dev, code = "arn:aws:iam::123456789012:mfa/me", "424242"
	if err := u.Record(context.Background(), dev, 1000, code); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(u.Path)
	if strings.Contains(string(b), code) {
		t.Errorf("the file holds the code in clear:\n%s", b)
	}
	if got, ok, err := u.last(dev); err != nil || !ok || got.Step != 1000 || got.Hash != codeHash(dev, code) {
		t.Errorf("last = %+v, %v, %v", got, ok, err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != LedgerFile && e.Name() != LedgerFile+".lock" {
			t.Errorf("file left beside it: %s", e.Name())
		}
	}

	// A record a day older than the newest is dropped.
	if err := u.Record(context.Background(), "other", 1000+3000, code); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := u.last(dev); ok {
		t.Error("a day-old record was kept")
	}

	if err := os.WriteFile(u.Path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := u.last(dev); ok || err != nil {
		t.Errorf("corrupt file: ok=%v err=%v, want empty", ok, err)
	}
	if err := os.Chmod(u.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := u.last(dev); err == nil || !strings.Contains(err.Error(), "remove it") {
		t.Errorf("group-readable file: err = %v, want a refusal saying what to do", err)
	}
}

func TestRenewal(t *testing.T) {
	for _, tc := range []struct {
		src  Source
		want Renewal
	}{
		{Static("123456"), Refuse},
		{&Stdin{}, Refuse},
		{NoCode{}, Unavailable},
		{Prompt{}, AskAgain},
		{&Dialog{Program: "zenity"}, AskAgain},
		{Process{}, WaitNext},
		{TOTP{}, Compute},
		{SeedGuard{Next: TOTP{}}, Compute},
		{SeedGuard{Next: Process{}}, WaitNext},
		{SeedGuard{Next: Prompt{}}, AskAgain},
	} {
		if got := tc.src.Renewal(); got != tc.want {
			t.Errorf("%T.Renewal() = %v, want %v", tc.src, got, tc.want)
		}
	}
}
