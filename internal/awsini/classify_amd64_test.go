//go:build !purego

package awsini

import "golang.org/x/sys/cpu"

// classifiers are the implementations of classify that this machine runs.
var classifiers = func() []classifier {
	c := []classifier{{"classify", classify}, {"classifySSE2", classifySSE2}}
	if cpu.X86.HasAVX2 {
		c = append(c, classifier{"classifyAVX2", classifyAVX2})
	}
	return c
}()

type classifier struct {
	name string
	fn   func(*byte, int, *blockMasks, *blockState)
}
