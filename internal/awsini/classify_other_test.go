//go:build !amd64 || purego

package awsini

var classifiers = []classifier{{"classify", classify}}

type classifier struct {
	name string
	fn   func(*byte, int, *blockMasks, *blockState)
}
