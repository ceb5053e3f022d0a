// Command hello is the yardstick of `make bench`: a hello-world Go program
// built by the same toolchain with the same flags as awsmfa, so a ratio to
// it measures what awsmfa adds to the cost of starting any Go binary.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
