// Package cause digs the part of an error a person can act on out of the
// wrappers that the AWS SDK, net/url and net put around it, for the
// messages of the commands that call AWS (STS, IAM, the sign-in service).
package cause

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/aws/smithy-go"
)

// Root is the innermost error err wraps: what is left of an SDK error once
// its long operation, retry and request wrapping is stripped.
func Root(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// Request drops net/url's *url.Error wrapper, whose message repeats the
// request URL; any other error is returned as it is.
func Request(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Network reports whether err is a failure to reach a service: a net.Error
// (a refused or lost connection, a timeout, an unknown host) or a message
// that speaks of the connection.
func Network(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || strings.Contains(err.Error(), "connection")
}

// API returns the code and message of the error a service answered with;
// ok is false when err is not such an answer (the request failed before
// one came).
func API(err error) (code, message string, ok bool) {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return "", "", false
	}
	return ae.ErrorCode(), ae.ErrorMessage(), true
}
