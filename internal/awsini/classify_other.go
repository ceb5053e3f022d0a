//go:build !amd64 || purego

package awsini

// haveClassify is false where classify has no assembly: the scanner then
// reads line by line (scanner.lines).
const haveClassify = false

func classify(data *byte, blocks int, out *blockMasks, st *blockState) {
	classifyGo(data, blocks, out, st)
}
