package awsini

import (
	"math/bits"
	"unsafe"
)

// blockMasks describe 64 bytes of a file, one bit a byte (bit i for byte
// i): its newlines, the starts of its ordinary option lines, and the starts
// of its other lines but empty ones. An ordinary option line is one whose
// first byte is '@' or above but not '[': not blank, nor any of "#;=:" (nor
// a digit or other punctuation below '@', which lines then reads).
type blockMasks struct {
	n, plain, others uint64
}

// blockState is what classify carries from one block to the next: whether
// the block before ended with a newline, the carry of the delimiter check,
// and the newlines that ended an ordinary option line without a delimiter.
type blockState struct {
	nl, run, bad uint64
}

// classifyGo fills out[0:blocks] with the masks of the 64-byte blocks that
// start at data, and checks that every ordinary option line has a
// delimiter ('=' or ':'): adding the start bit of such a line to the mask
// of the bytes that are neither delimiters nor newlines carries up to the
// first one of either, and landing on a newline means a line without one.
// classify is this in assembly where there is some.
func classifyGo(data *byte, blocks int, out *blockMasks, st *blockState) {
	b := unsafe.Slice(data, blocks*64)
	m := unsafe.Slice(out, blocks)
	for k := range m {
		var n, d, s uint64
		for i, c := range b[k*64 : k*64+64] {
			bit := uint64(1) << i
			switch c {
			case '\n':
				n |= bit
			case '=', ':':
				d |= bit
			}
			if c < '@' || c == '[' {
				s |= bit
			}
		}
		starts := n<<1 | st.nl
		st.nl = n >> 63
		plain := starts &^ s
		sum, carry := bits.Add64(^(d | n), plain, st.run)
		st.run = carry
		st.bad |= sum & n
		m[k] = blockMasks{n: n, plain: plain, others: starts & s &^ n}
	}
}
