package testenv

import (
	"flag"
	"strconv"
)

// Parallel returns m with a Run that first lets up to n parallel tests run
// at once, unless the command line gives -parallel (go test's default is
// one per CPU). It is for a TestMain whose tests mostly wait, for a session
// to come due, a deadline to pass or a window to open, rather than
// compute: more of them than CPUs overlap those waits at little cost.
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Parallel(8, m).Run()) }
//
// The test flags are parsed only when Run is called, so a TestMain that
// also runs the test binary as another program (testscript.Main) leaves
// that program's arguments alone.
func Parallel(n int, m Tests) Tests { return parallel{n, m} }

type parallel struct {
	n int
	m Tests
}

func (p parallel) Run() int {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(p.n))
	}
	return p.m.Run()
}
