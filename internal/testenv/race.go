//go:build race

package testenv

// raceEnabled says this binary has the race detector, so the commands
// Builds compiles get it too.
const raceEnabled = true
