// Command linkonly is a yardstick of `make bench`: a Go program that links
// the four packages first chosen for awsmfa (service/sts, urfave/cli/v2,
// ini.v1, adrg/xdg), runs their package init, prints one line and exits. Set beside
// awsmfa, it shows how much of a cache hit's cost is the floor that linking
// those packages sets, and how much is awsmfa's own work.
package main

import (
	"fmt"

	_ "github.com/adrg/xdg"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "github.com/urfave/cli/v2"
	_ "gopkg.in/ini.v1"
)

func main() {
	fmt.Println("hello, world")
}
