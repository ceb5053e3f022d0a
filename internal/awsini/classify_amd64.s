//go:build !purego

#include "textflag.h"

// The assembly of classify (see classifyGo, which it must match): for each
// block of 64 bytes, the masks of its newlines, delimiters ('=' and ':')
// and special bytes (below '@', and '[') in R8, R9 and R10, then BLOCKEND.

// BLOCKEND turns the masks of a block into those classify stores, carrying
// state from block to block: R11 is 1 if the block before ended with a
// newline, R12 the carry of the delimiter check, R13 the lines without a
// delimiter found.
#define BLOCKEND \
	MOVQ R8, AX \
	SHLQ $1, AX \
	ORQ R11, AX \
	MOVQ R8, R11 \
	SHRQ $63, R11 \
	MOVQ R10, BX \
	NOTQ BX \
	ANDQ AX, BX \
	MOVQ R8, DX \
	NOTQ DX \
	ANDQ R10, DX \
	ANDQ AX, DX \
	ORQ R8, R9 \
	NOTQ R9 \
	BTQ $0, R12 \
	ADCQ BX, R9 \
	SETCS R12 \
	ANDQ R8, R9 \
	ORQ R9, R13 \
	MOVQ R8, 0(DI) \
	MOVQ BX, 8(DI) \
	MOVQ DX, 16(DI)

// LANE adds the 16 bytes at off(SI) to bits shift to shift+15 of R8, R9
// and R10, with SSE2. A byte is below '@' if subtracting '?' with
// saturation leaves 0.
#define LANE(off, shift) \
	MOVOU off(SI), X0 \
	MOVO X0, X1 \
	PCMPEQB X8, X1 \
	MOVO X0, X2 \
	PCMPEQB X9, X2 \
	MOVO X0, X3 \
	PCMPEQB X10, X3 \
	POR X3, X2 \
	MOVO X0, X3 \
	PSUBUSB X11, X3 \
	PCMPEQB X15, X3 \
	PCMPEQB X14, X0 \
	POR X0, X3 \
	PMOVMSKB X1, AX \
	SHLQ $shift, AX \
	ORQ AX, R8 \
	PMOVMSKB X2, AX \
	SHLQ $shift, AX \
	ORQ AX, R9 \
	PMOVMSKB X3, AX \
	SHLQ $shift, AX \
	ORQ AX, R10

#define SPLAT(imm, reg) \
	MOVQ $imm, AX \
	MOVQ AX, reg \
	PUNPCKLQDQ reg, reg

#define LOADSTATE \
	MOVQ data+0(FP), SI \
	MOVQ blocks+8(FP), CX \
	MOVQ out+16(FP), DI \
	MOVQ st+24(FP), AX \
	MOVQ 0(AX), R11 \
	MOVQ 8(AX), R12 \
	MOVQ 16(AX), R13

#define SAVESTATE \
	MOVQ st+24(FP), AX \
	MOVQ R11, 0(AX) \
	MOVQ R12, 8(AX) \
	MOVQ R13, 16(AX)

// func classifySSE2(data *byte, blocks int, out *blockMasks, st *blockState)
TEXT ·classifySSE2(SB), NOSPLIT, $0-32
	LOADSTATE
	SPLAT(0x0a0a0a0a0a0a0a0a, X8)
	SPLAT(0x3d3d3d3d3d3d3d3d, X9)
	SPLAT(0x3a3a3a3a3a3a3a3a, X10)
	SPLAT(0x3f3f3f3f3f3f3f3f, X11)
	SPLAT(0x5b5b5b5b5b5b5b5b, X14)
	PXOR X15, X15
	TESTQ CX, CX
	JZ done

loop:
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	LANE(0, 0)
	LANE(16, 16)
	LANE(32, 32)
	LANE(48, 48)
	BLOCKEND
	ADDQ $64, SI
	ADDQ $24, DI
	DECQ CX
	JNZ loop

done:
	SAVESTATE
	RET

// LANE32 is LANE for the 32 bytes at off(SI), with AVX2.
#define LANE32(off, shift) \
	VMOVDQU off(SI), Y0 \
	VPCMPEQB Y8, Y0, Y1 \
	VPCMPEQB Y9, Y0, Y2 \
	VPCMPEQB Y10, Y0, Y3 \
	VPOR Y3, Y2, Y2 \
	VPSUBUSB Y11, Y0, Y3 \
	VPCMPEQB Y15, Y3, Y3 \
	VPCMPEQB Y14, Y0, Y4 \
	VPOR Y4, Y3, Y3 \
	VPMOVMSKB Y1, AX \
	SHLQ $shift, AX \
	ORQ AX, R8 \
	VPMOVMSKB Y2, AX \
	SHLQ $shift, AX \
	ORQ AX, R9 \
	VPMOVMSKB Y3, AX \
	SHLQ $shift, AX \
	ORQ AX, R10

#define BROADCAST(imm, x, y) \
	MOVQ $imm, AX \
	MOVQ AX, x \
	VPBROADCASTB x, y

// func classifyAVX2(data *byte, blocks int, out *blockMasks, st *blockState)
TEXT ·classifyAVX2(SB), NOSPLIT, $0-32
	LOADSTATE
	BROADCAST(0x0a, X8, Y8)
	BROADCAST(0x3d, X9, Y9)
	BROADCAST(0x3a, X10, Y10)
	BROADCAST(0x3f, X11, Y11)
	BROADCAST(0x5b, X14, Y14)
	VPXOR Y15, Y15, Y15
	TESTQ CX, CX
	JZ avxdone

avxloop:
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	LANE32(0, 0)
	LANE32(32, 32)
	BLOCKEND
	ADDQ $64, SI
	ADDQ $24, DI
	DECQ CX
	JNZ avxloop

avxdone:
	VZEROUPPER
	SAVESTATE
	RET
