package testenv

import (
	"flag"
	"strconv"
)

// SetParallel lets up to n parallel tests run at once unless the command
// line gives -parallel (go test's default is one per CPU). A TestMain calls
// it before m.Run when its tests mostly wait, for a session to come due or
// a deadline to pass, rather than compute: more of them than CPUs overlap
// those waits at little cost.
func SetParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(n))
	}
}
