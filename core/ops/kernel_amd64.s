//go:build amd64 && !noasm

#include "textflag.h"

// ZERO_Y0_Y11 clears the twelve accumulators both loops below use.
#define ZERO_Y0_Y11 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7 \
	VXORPS Y8, Y8, Y8 \
	VXORPS Y9, Y9, Y9 \
	VXORPS Y10, Y10, Y10 \
	VXORPS Y11, Y11, Y11

// ADD_ROW adds the tile row in lo (columns 0-7) and hi (8-15) to C's row at
// DX.
#define ADD_ROW(lo, hi) \
	VADDPS  (DX), lo, lo \
	VADDPS  32(DX), hi, hi \
	VMOVUPS lo, (DX) \
	VMOVUPS hi, 32(DX)

// func kernelAVX2(depth int, a, b, c *float32, ldc int)
//
// Y0..Y11 hold the 6×16 tile: row r in Y(2r) (columns 0-7) and Y(2r+1)
// (columns 8-15). Each depth step loads B's 16 values into Y12, Y13 and
// broadcasts A's six values in turn into Y14/Y15, two in flight. At the end
// each row is added to C's, ldc floats apart.
TEXT ·kernelAVX2(SB), NOSPLIT, $0-40
	MOVQ depth+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), BX
	ZERO_Y0_Y11
	TESTQ CX, CX
	JZ    store

loop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS 0(SI), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS 4(SI), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS 8(SI), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS 12(SI), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS 16(SI), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS 20(SI), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

store:
	SHLQ $2, BX
	ADD_ROW(Y0, Y1)
	ADDQ BX, DX
	ADD_ROW(Y2, Y3)
	ADDQ BX, DX
	ADD_ROW(Y4, Y5)
	ADDQ BX, DX
	ADD_ROW(Y6, Y7)
	ADDQ BX, DX
	ADD_ROW(Y8, Y9)
	ADDQ BX, DX
	ADD_ROW(Y10, Y11)
	VZEROUPPER
	RET

// func fmaPeakAVX2(rounds int)
//
// rounds × 12 independent VFMADD231PS on registers alone: twelve chains, more
// than FMA's latency × ports on current x86 cores, so the ports never wait.
TEXT ·fmaPeakAVX2(SB), NOSPLIT, $0-8
	MOVQ rounds+0(FP), CX
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	ZERO_Y0_Y11
	TESTQ CX, CX
	JZ    done

peak:
	VFMADD231PS Y12, Y13, Y0
	VFMADD231PS Y12, Y13, Y1
	VFMADD231PS Y12, Y13, Y2
	VFMADD231PS Y12, Y13, Y3
	VFMADD231PS Y12, Y13, Y4
	VFMADD231PS Y12, Y13, Y5
	VFMADD231PS Y12, Y13, Y6
	VFMADD231PS Y12, Y13, Y7
	VFMADD231PS Y12, Y13, Y8
	VFMADD231PS Y12, Y13, Y9
	VFMADD231PS Y12, Y13, Y10
	VFMADD231PS Y12, Y13, Y11
	DECQ CX
	JNZ  peak

done:
	VZEROUPPER
	RET

// func mulAddAVX2(dst, x, y *float32, n int)
//
// dst[i] += x[i]·y[i], eight at a time; n is a positive multiple of 8.
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX

muladd:
	VMOVUPS     (SI), Y0
	VMOVUPS     (DI), Y1
	VFMADD231PS (DX), Y0, Y1
	VMOVUPS     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, DX
	DECQ        CX
	JNZ         muladd
	VZEROUPPER
	RET

// func addClampAVX2(dst, src *float32, n int, lo, hi float32)
//
// dst[i] = min(hi, max(lo, dst[i] + src[i])) (src nil: no sum), eight at a
// time; n is a positive multiple of 8. The clamp's operand order keeps a
// NaN (VMAXPS returns its second source when either is NaN), as the Go loop
// does.
TEXT ·addClampAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS lo+24(FP), Y2
	VBROADCASTSS hi+28(FP), Y3
	SHRQ         $3, CX
	TESTQ        SI, SI
	JZ           clamp

sum:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMAXPS  Y0, Y2, Y0
	VMINPS  Y0, Y3, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     sum
	VZEROUPPER
	RET

clamp:
	VMOVUPS (DI), Y0
	VMAXPS  Y0, Y2, Y0
	VMINPS  Y0, Y3, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     clamp
	VZEROUPPER
	RET
