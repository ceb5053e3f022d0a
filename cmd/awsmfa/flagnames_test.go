package main

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestFastNames: every flag of every command keeps the names urfave/cli
// itself gives it (so no flag may use v1's "name, alias" form), and keeps
// whether it takes a value.
func TestFastNames(t *testing.T) {
	for _, cmd := range newApp().commands() {
		fast := fastNames(cmd.Flags)
		for i, f := range cmd.Flags {
			if got, want := fast[i].Names(), f.Names(); !slices.Equal(got, want) {
				t.Errorf("%s: flag names %q, want %q as urfave/cli has them", cmd.Name, got, want)
			}
			if _, wrapped := fast[i].(interface{ IsSet() bool }); !wrapped {
				t.Errorf("%s %s: the wrapper lost the flag's own methods", cmd.Name, f.Names()[0])
			}
			want, ok := f.(cli.DocGenerationFlag)
			got, ok2 := fast[i].(cli.DocGenerationFlag)
			if ok != ok2 || (ok && got.TakesValue() != want.TakesValue()) {
				t.Errorf("%s %s: TakesValue changed", cmd.Name, f.Names()[0])
			}
		}
	}
}
