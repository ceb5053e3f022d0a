//go:build !purego

package awsini

import "golang.org/x/sys/cpu"

// haveClassify says classify is implemented (in assembly) on this
// platform, so the scanner takes its fast path, scanner.masked.
const haveClassify = true

// classify is classifyGo, in assembly.
func classify(data *byte, blocks int, out *blockMasks, st *blockState) {
	if cpu.X86.HasAVX2 {
		classifyAVX2(data, blocks, out, st)
	} else {
		classifySSE2(data, blocks, out, st)
	}
}

//go:noescape
func classifyAVX2(data *byte, blocks int, out *blockMasks, st *blockState)

//go:noescape
func classifySSE2(data *byte, blocks int, out *blockMasks, st *blockState)
