// Command stscall is the yardstick for awsmfa's role refresh in `make
// bench`: a new process that builds an STS client from static keys and
// makes one signed GetCallerIdentity call, the least any tool can do to
// talk to STS. It links the same SDK packages awsmfa uses for STS.
//
//	stscall -endpoint http://127.0.0.1:PORT -key AKIA... -secret SECRET
//
// It is meant for the emulator's demo keys only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	endpoint := flag.String("endpoint", "", "STS endpoint URL (the emulator's)")
	key := flag.String("key", "", "access key id")
	secret := flag.String("secret", "", "secret access key")
	flag.Parse()
	if *endpoint == "" || *key == "" || *secret == "" {
		fmt.Fprintln(os.Stderr, "usage: stscall -endpoint URL -key ID -secret SECRET")
		os.Exit(2)
	}
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(*endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(*key, *secret, ""),
	})
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		fmt.Fprintln(os.Stderr, "stscall:", err)
		os.Exit(1)
	}
}
