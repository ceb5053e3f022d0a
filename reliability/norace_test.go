//go:build !race

package reliability

// raceEnabled says this test binary has the race detector, so the awsmfa
// binary under test is built with it too.
const raceEnabled = false
