;; simd.wat holds the WebAssembly SIMD (128-bit) kernels that ops uses in the
;; browser: they are instantiated on the Go module's own linear memory (its
;; exported "mem", imported here as go.mem) by web/simd.js, and called from
;; Go through syscall/js with byte addresses into that memory, so no data is
;; copied (see simd_wasm.go). Each function is the fast twin of a pure Go
;; kernel that stays the reference and the fallback:
;;
;;   igemm    gemmPacked's product C += A·B (Conv2D, MatMul, FullyConnected)
;;   packb    packB's layout of B, strips of 8 columns
;;   dwconv   DepthwiseConv2D with one filter per channel, and MaxPool2D,
;;            channels in 16s
;;   addClamp AddInPlace, ReLU and ReLU6 on long vectors
;;   scaleBias  ScaleBias on long tensors, channels in fours
;;   wgInput, wgOutput  the transforms of Winograd F(2×2, 3×3), whose products
;;            run on igemm (Filter.Conv2D for 3×3 stride-1 filters)
;;   fmaPeak  no kernel's twin: the multiply-add ceiling the bench measures
;;
;; Every address is a byte offset into memory; every count is in float32
;; values unless it says bytes.
;;
;; The multiply-adds are written as relaxed SIMD's f32x4.relaxed_madd (a
;; fused multiply-add where the CPU has one: 25% faster here). assemble.sh
;; builds two modules from this file: simd-relaxed.wasm as written, and
;; simd.wasm for engines without relaxed SIMD, where each
;; (f32x4.relaxed_madd A B C) becomes (f32x4.add (f32x4.mul A B) C); A, B
;; and C must therefore be plain (local.get $x) operands.
(module
  (import "go" "mem" (memory 0))

  ;; igemm adds A·B to C, or with bias ≠ 0 sets C to A·B plus the bias row,
  ;; optionally clamping the result at zero:
  ;;   C[i, j] = relu?((bias ? bias[j] : C[i, j]) + Σ_t Σ_p A(i, t)[p] · B[t·kt + p, j])
  ;; for i < m, j < n, t < taps, p < kt. A is given indirectly: A(i, t) is
  ;; the kt values from byte ind[i] + aOff + t·tapStep. This serves a plain
  ;; row-major matrix (taps = 1, ind[i] = a + i·lda·4) and a convolution's
  ;; im2col matrix without building it (A(i, t) is filter row t's window,
  ;; kw·Cin values contiguous in a padded HWC input). ind holds m rounded up
  ;; to a multiple of 4 addresses; the extra ones may point at any readable
  ;; row, their results are discarded. B is in packb's strips of 8 columns:
  ;; strip s starts at byte b + s·stripBytes and holds taps·kt rows of 8
  ;; values (zero past n). C is row-major with row stride ldc. A bias row
  ;; must be readable up to n rounded up to a multiple of 8. tmp is 32
  ;; writable floats for the tiles that overhang C's edges. The rows are
  ;; worked in blocks of mb. With batch > 1 it computes batch such products
  ;; one after another, each with aOff, b and c advanced by aStep, bStep and
  ;; cStep bytes over the last (Winograd's 16 products in one call).
  ;; Requires m, n, kt, taps, batch ≥ 1 and mb ≥ 4 a multiple of 4.
  ;;
  ;; The micro-kernel holds a 4×8 tile of C in eight f32x4 registers: each
  ;; step splats one value from each of four A rows and multiplies it by two
  ;; vectors of B. Within a block of rows, strips of B are the outer loop, so
  ;; the block's A rows stay in cache while each strip passes over them.
  (func (export "igemm")
    (param $m i32) (param $n i32) (param $kt i32) (param $taps i32) (param $tapStep i32)
    (param $ind i32) (param $aOff i32) (param $b i32) (param $stripBytes i32) (param $c i32) (param $ldc i32)
    (param $bias i32) (param $relu i32) (param $tmp i32) (param $mb i32)
    (param $batch i32) (param $aStep i32) (param $bStep i32) (param $cStep i32)
    (local $i0 i32) (local $iEnd i32) (local $i i32) (local $j i32) (local $t i32) (local $strip i32)
    (local $ktBytes i32) (local $skip i32) (local $p0 i32) (local $p1 i32) (local $p2 i32)
    (local $p3 i32) (local $bp i32) (local $end i32) (local $rows i32) (local $cols i32)
    (local $out i32) (local $ld i32) (local $partial i32) (local $src i32) (local $srcLd i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ktBytes (i32.shl (local.get $kt) (i32.const 2)))
    (local.set $skip (i32.sub (local.get $tapStep) (local.get $ktBytes)))
    (loop $products
    (local.set $i0 (i32.const 0))
    (loop $rowBlocks
    (local.set $iEnd (select (local.get $m) (i32.add (local.get $i0) (local.get $mb))
      (i32.lt_s (i32.sub (local.get $m) (local.get $i0)) (local.get $mb))))
    (local.set $strip (local.get $b))
    (local.set $j (i32.const 0))
    (loop $colStrips
      (local.set $i (local.get $i0))
      (loop $rowTiles
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0))
        (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0))
        (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0))
        (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $p0 (i32.add (local.get $ind) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $p1 (i32.add (i32.load offset=4 (local.get $p0)) (local.get $aOff)))
        (local.set $p2 (i32.add (i32.load offset=8 (local.get $p0)) (local.get $aOff)))
        (local.set $p3 (i32.add (i32.load offset=12 (local.get $p0)) (local.get $aOff)))
        (local.set $p0 (i32.add (i32.load (local.get $p0)) (local.get $aOff)))
        (local.set $bp (local.get $strip))
        (local.set $t (local.get $taps))
        (loop $tapRuns
          (local.set $end (i32.add (local.get $p0) (local.get $ktBytes)))
          (loop $depth
            (local.set $b0 (v128.load (local.get $bp)))
            (local.set $b1 (v128.load offset=16 (local.get $bp)))
            (local.set $a (v128.load32_splat (local.get $p0)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
            (local.set $a (v128.load32_splat (local.get $p1)))
            (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
            (local.set $a (v128.load32_splat (local.get $p2)))
            (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
            (local.set $a (v128.load32_splat (local.get $p3)))
            (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
            (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
            (br_if $depth (i32.lt_u (local.get $p0) (local.get $end))))
          (local.set $p0 (i32.add (local.get $p0) (local.get $skip)))
          (local.set $p1 (i32.add (local.get $p1) (local.get $skip)))
          (local.set $p2 (i32.add (local.get $p2) (local.get $skip)))
          (local.set $p3 (i32.add (local.get $p3) (local.get $skip)))
          (br_if $tapRuns (local.tee $t (i32.sub (local.get $t) (i32.const 1)))))

        ;; Epilogue: add the tile to C, or to the bias row, and store it in C
        ;; (through tmp where it overhangs C).
        (local.set $rows (select (i32.const 4) (i32.sub (local.get $m) (local.get $i))
          (i32.ge_s (i32.sub (local.get $m) (local.get $i)) (i32.const 4))))
        (local.set $cols (select (i32.const 8) (i32.sub (local.get $n) (local.get $j))
          (i32.ge_s (i32.sub (local.get $n) (local.get $j)) (i32.const 8))))
        (local.set $out (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
        (local.set $ld (i32.shl (local.get $ldc) (i32.const 2)))
        (local.set $partial (i32.or (i32.lt_s (local.get $rows) (i32.const 4))
                                    (i32.lt_s (local.get $cols) (i32.const 8))))
        (if (local.get $partial) (then
          (if (i32.eqz (local.get $bias)) (then
            (call $copyTile (local.get $out) (local.get $ld) (local.get $tmp) (i32.const 32)
                            (local.get $rows) (local.get $cols))))
          (local.set $out (local.get $tmp))
          (local.set $ld (i32.const 32))))
        ;; The addend's rows: C's, or the bias row for every row.
        (local.set $src (local.get $out))
        (local.set $srcLd (local.get $ld))
        (if (local.get $bias) (then
          (local.set $src (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $srcLd (i32.const 0))))
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $src))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (local.get $srcLd)))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $src))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (local.get $srcLd)))
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $src))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (local.get $srcLd)))
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $src))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $src))))
        (if (local.get $relu) (then
          (local.set $a (v128.const i32x4 0 0 0 0))
          (local.set $c00 (f32x4.pmax (local.get $c00) (local.get $a)))
          (local.set $c01 (f32x4.pmax (local.get $c01) (local.get $a)))
          (local.set $c10 (f32x4.pmax (local.get $c10) (local.get $a)))
          (local.set $c11 (f32x4.pmax (local.get $c11) (local.get $a)))
          (local.set $c20 (f32x4.pmax (local.get $c20) (local.get $a)))
          (local.set $c21 (f32x4.pmax (local.get $c21) (local.get $a)))
          (local.set $c30 (f32x4.pmax (local.get $c30) (local.get $a)))
          (local.set $c31 (f32x4.pmax (local.get $c31) (local.get $a)))))
        (v128.store (local.get $out) (local.get $c00))
        (v128.store offset=16 (local.get $out) (local.get $c01))
        (local.set $end (i32.add (local.get $out) (local.get $ld)))
        (v128.store (local.get $end) (local.get $c10))
        (v128.store offset=16 (local.get $end) (local.get $c11))
        (local.set $end (i32.add (local.get $end) (local.get $ld)))
        (v128.store (local.get $end) (local.get $c20))
        (v128.store offset=16 (local.get $end) (local.get $c21))
        (local.set $end (i32.add (local.get $end) (local.get $ld)))
        (v128.store (local.get $end) (local.get $c30))
        (v128.store offset=16 (local.get $end) (local.get $c31))
        (if (local.get $partial) (then
          (call $copyTile (local.get $tmp) (i32.const 32)
            (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2)))
            (i32.shl (local.get $ldc) (i32.const 2))
            (local.get $rows) (local.get $cols))))

        (br_if $rowTiles (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $iEnd))))
      (local.set $strip (i32.add (local.get $strip) (local.get $stripBytes)))
      (br_if $colStrips (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
    (br_if $rowBlocks (i32.lt_s (local.tee $i0 (local.get $iEnd)) (local.get $m))))
    (local.set $aOff (i32.add (local.get $aOff) (local.get $aStep)))
    (local.set $b (i32.add (local.get $b) (local.get $bStep)))
    (local.set $c (i32.add (local.get $c) (local.get $cStep)))
    (br_if $products (local.tee $batch (i32.sub (local.get $batch) (i32.const 1))))))

  ;; copyTile copies rows×cols floats from src to dst, rows srcLd and dstLd
  ;; bytes apart.
  (func $copyTile (param $src i32) (param $srcLd i32) (param $dst i32) (param $dstLd i32)
    (param $rows i32) (param $cols i32)
    (local $q i32)
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set $q (i32.const 0))
      (loop $col
        (f32.store (i32.add (local.get $dst) (local.get $q)) (f32.load (i32.add (local.get $src) (local.get $q))))
        (br_if $col (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 4)))
                              (i32.shl (local.get $cols) (i32.const 2)))))
      (local.set $src (i32.add (local.get $src) (local.get $srcLd)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstLd)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row))))

  ;; packb packs the k×n row-major matrix at b (row stride ldb) into dst for
  ;; igemm: strips of 8 columns, strip s holding rows 0..k-1 of columns
  ;; 8s..8s+7 one row after another, zero past n. dst needs
  ;; k·roundUp(n, 8) floats. Requires k, n ≥ 1.
  (func (export "packb") (param $k i32) (param $n i32) (param $b i32) (param $ldb i32) (param $dst i32)
    (local $j i32) (local $p i32) (local $src i32) (local $w i32) (local $q i32)
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (loop $strips
      (local.set $w (i32.sub (local.get $n) (local.get $j)))
      (local.set $src (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $p (local.get $k))
      (if (i32.ge_s (local.get $w) (i32.const 8))
        (then
          (loop $rows
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $ldb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (br_if $rows (local.tee $p (i32.sub (local.get $p) (i32.const 1))))))
        (else
          (local.set $w (i32.shl (local.get $w) (i32.const 2)))
          (loop $rows
            (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
            (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
            (local.set $q (i32.const 0))
            (loop $col
              (f32.store (i32.add (local.get $dst) (local.get $q)) (f32.load (i32.add (local.get $src) (local.get $q))))
              (br_if $col (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 4))) (local.get $w))))
            (local.set $src (i32.add (local.get $src) (local.get $ldb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (br_if $rows (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))))
      (br_if $strips (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n)))))

  ;; dwconv is a depthwise convolution with one filter per channel:
  ;;   y[oy, ox, ch] = bias[ch] + Σ_{ky,kx} x[oy·sh − top + ky, ox·sw − left + kx, ch] · w[ky, kx, ch]
  ;; over the taps that land inside the h×wd input (bias = 0: none), or with
  ;; isMax ≠ 0 max pooling, the maximum of those x (NaN if one is NaN; w and
  ;; bias unused). x is [h, wd, c], w is [kh, kw, c], y is [oh, ow, c], all
  ;; channels-last. Sixteen channels at a time, their sums kept in four
  ;; registers over all the taps. Requires c a multiple of 16 and every
  ;; size ≥ 1.
  (func (export "dwconv")
    (param $isMax i32)
    (param $x i32) (param $w i32) (param $bias i32) (param $y i32) (param $h i32) (param $wd i32) (param $c i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (param $oh i32) (param $ow i32)
    (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32) (local $ky i32) (local $kx i32)
    (local $ky0 i32) (local $ky1 i32) (local $kx0 i32) (local $kx1 i32) (local $cb i32) (local $yp i32)
    (local $ch i32) (local $xp i32) (local $wp i32) (local $xrow i32) (local $wrow i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128) (local $wv v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $yp (local.get $y))
    (loop $rows
      (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $top)))
      (local.set $ky0 (select (i32.const 0) (i32.sub (i32.const 0) (local.get $iy0))
        (i32.ge_s (local.get $iy0) (i32.const 0))))
      (local.set $ky1 (select (local.get $kh) (i32.sub (local.get $h) (local.get $iy0))
        (i32.le_s (local.get $kh) (i32.sub (local.get $h) (local.get $iy0)))))
      (local.set $ox (i32.const 0))
      (loop $cols
        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $left)))
        (local.set $kx0 (select (i32.const 0) (i32.sub (i32.const 0) (local.get $ix0))
          (i32.ge_s (local.get $ix0) (i32.const 0))))
        (local.set $kx1 (select (local.get $kw) (i32.sub (local.get $wd) (local.get $ix0))
          (i32.le_s (local.get $kw) (i32.sub (local.get $wd) (local.get $ix0)))))
        ;; xrow, wrow: channel 0 of the first tap inside, in x and in w
        (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $cb)
          (i32.add (i32.mul (i32.add (local.get $iy0) (local.get $ky0)) (local.get $wd))
                   (i32.add (local.get $ix0) (local.get $kx0))))))
        (local.set $wrow (i32.add (local.get $w) (i32.mul (local.get $cb)
          (i32.add (i32.mul (local.get $ky0) (local.get $kw)) (local.get $kx0)))))
        (local.set $ch (i32.const 0))
        (loop $chans
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (if (local.get $isMax) (then
            (local.set $a0 (v128.const f32x4 -inf -inf -inf -inf))))
          (local.set $a1 (local.get $a0))
          (local.set $a2 (local.get $a0))
          (local.set $a3 (local.get $a0))
          (if (local.get $bias) (then
            (local.set $xp (i32.add (local.get $bias) (local.get $ch)))
            (local.set $a0 (v128.load (local.get $xp)))
            (local.set $a1 (v128.load offset=16 (local.get $xp)))
            (local.set $a2 (v128.load offset=32 (local.get $xp)))
            (local.set $a3 (v128.load offset=48 (local.get $xp)))))
          (local.set $ky (local.get $ky0))
          (local.set $xp (i32.add (local.get $xrow) (local.get $ch)))
          (local.set $wp (i32.add (local.get $wrow) (local.get $ch)))
          (block $doneTaps (loop $tapRows
            (br_if $doneTaps (i32.ge_s (local.get $ky) (local.get $ky1)))
            (local.set $kx (local.get $kx0))
            (block $doneRow (loop $taps
              (br_if $doneRow (i32.ge_s (local.get $kx) (local.get $kx1)))
              (if (local.get $isMax)
                (then
                  (local.set $a0 (f32x4.max (local.get $a0) (v128.load (local.get $xp))))
                  (local.set $a1 (f32x4.max (local.get $a1) (v128.load offset=16 (local.get $xp))))
                  (local.set $a2 (f32x4.max (local.get $a2) (v128.load offset=32 (local.get $xp))))
                  (local.set $a3 (f32x4.max (local.get $a3) (v128.load offset=48 (local.get $xp)))))
                (else
                  (local.set $xv (v128.load (local.get $xp)))
                  (local.set $wv (v128.load (local.get $wp)))
                  (local.set $a0 (f32x4.relaxed_madd (local.get $xv) (local.get $wv) (local.get $a0)))
                  (local.set $xv (v128.load offset=16 (local.get $xp)))
                  (local.set $wv (v128.load offset=16 (local.get $wp)))
                  (local.set $a1 (f32x4.relaxed_madd (local.get $xv) (local.get $wv) (local.get $a1)))
                  (local.set $xv (v128.load offset=32 (local.get $xp)))
                  (local.set $wv (v128.load offset=32 (local.get $wp)))
                  (local.set $a2 (f32x4.relaxed_madd (local.get $xv) (local.get $wv) (local.get $a2)))
                  (local.set $xv (v128.load offset=48 (local.get $xp)))
                  (local.set $wv (v128.load offset=48 (local.get $wp)))
                  (local.set $a3 (f32x4.relaxed_madd (local.get $xv) (local.get $wv) (local.get $a3)))))
              (local.set $xp (i32.add (local.get $xp) (local.get $cb)))
              (local.set $wp (i32.add (local.get $wp) (local.get $cb)))
              (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
              (br $taps)))
            ;; next filter row: back over this row's taps, down one row
            (local.set $xp (i32.add (local.get $xp) (i32.mul (local.get $cb)
              (i32.sub (local.get $wd) (i32.sub (local.get $kx1) (local.get $kx0))))))
            (local.set $wp (i32.add (local.get $wp) (i32.mul (local.get $cb)
              (i32.sub (local.get $kw) (i32.sub (local.get $kx1) (local.get $kx0))))))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $tapRows)))
          (local.set $xp (i32.add (local.get $yp) (local.get $ch)))
          (v128.store (local.get $xp) (local.get $a0))
          (v128.store offset=16 (local.get $xp) (local.get $a1))
          (v128.store offset=32 (local.get $xp) (local.get $a2))
          (v128.store offset=48 (local.get $xp) (local.get $a3))
          (br_if $chans (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 64))) (local.get $cb))))
        (local.set $yp (i32.add (local.get $yp) (local.get $cb)))
        (br_if $cols (i32.lt_s (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $ow))))
      (br_if $rows (i32.lt_s (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $oh)))))

  ;; wgInput is Winograd F(2×2, 3×3)'s input transform: for each 4×4 tile of
  ;; the padded input x (HWC, width pw, c channels; tile (ty, tx) of th×tw
  ;; starts at pixel (2ty, 2tx)) it writes V = Bᵀ·d·B, where
  ;;   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],
  ;; element (i, j) of tile t = ty·tw + tx, channel ch, going to byte
  ;; v + (4i+j)·vStride + (t·c + ch)·4. It works four channels at a time:
  ;; requires c a multiple of 4 and th, tw, c ≥ 1.
  (func (export "wgInput") (param $x i32) (param $pw i32) (param $c i32) (param $th i32) (param $tw i32)
    (param $v i32) (param $vStride i32)
    (local $ty i32) (local $tx i32) (local $ch i32) (local $p i32) (local $q i32) (local $row i32)
    (local $cb i32) (local $e v128)
    (local $d00 v128) (local $d01 v128) (local $d02 v128) (local $d03 v128) (local $d10 v128) (local $d11 v128) (local $d12 v128) (local $d13 v128) (local $d20 v128) (local $d21 v128) (local $d22 v128) (local $d23 v128) (local $d30 v128) (local $d31 v128) (local $d32 v128) (local $d33 v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $pw) (local.get $cb)))
    (local.set $q (local.get $v))
    (loop $tileRows
      (local.set $tx (i32.const 0))
      (loop $tiles
        (local.set $ch (i32.const 0))
        (loop $chans
          ;; p: channel ch of the tile's top-left pixel
          (local.set $p (i32.add (i32.add (local.get $x) (local.get $ch))
            (i32.add (i32.mul (i32.shl (local.get $ty) (i32.const 1)) (local.get $row))
                     (i32.mul (i32.shl (local.get $tx) (i32.const 1)) (local.get $cb)))))
          (local.set $d00 (v128.load (local.get $p)))
          (local.set $d01 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 1)))))
          (local.set $d02 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 2)))))
          (local.set $d03 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 3)))))
          (local.set $p (i32.add (local.get $p) (local.get $row)))
          (local.set $d10 (v128.load (local.get $p)))
          (local.set $d11 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 1)))))
          (local.set $d12 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 2)))))
          (local.set $d13 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 3)))))
          (local.set $p (i32.add (local.get $p) (local.get $row)))
          (local.set $d20 (v128.load (local.get $p)))
          (local.set $d21 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 1)))))
          (local.set $d22 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 2)))))
          (local.set $d23 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 3)))))
          (local.set $p (i32.add (local.get $p) (local.get $row)))
          (local.set $d30 (v128.load (local.get $p)))
          (local.set $d31 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 1)))))
          (local.set $d32 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 2)))))
          (local.set $d33 (v128.load (i32.add (local.get $p) (i32.mul (local.get $cb) (i32.const 3)))))
          ;; Bᵀ·d (down each column), then ·B (along each row)
          (local.set $d30 (f32x4.sub (local.get $d10) (local.get $d30)))
          (local.set $d00 (f32x4.sub (local.get $d00) (local.get $d20)))
          (local.set $e (f32x4.add (local.get $d10) (local.get $d20)))
          (local.set $d20 (f32x4.sub (local.get $d20) (local.get $d10)))
          (local.set $d10 (local.get $e))
          (local.set $d31 (f32x4.sub (local.get $d11) (local.get $d31)))
          (local.set $d01 (f32x4.sub (local.get $d01) (local.get $d21)))
          (local.set $e (f32x4.add (local.get $d11) (local.get $d21)))
          (local.set $d21 (f32x4.sub (local.get $d21) (local.get $d11)))
          (local.set $d11 (local.get $e))
          (local.set $d32 (f32x4.sub (local.get $d12) (local.get $d32)))
          (local.set $d02 (f32x4.sub (local.get $d02) (local.get $d22)))
          (local.set $e (f32x4.add (local.get $d12) (local.get $d22)))
          (local.set $d22 (f32x4.sub (local.get $d22) (local.get $d12)))
          (local.set $d12 (local.get $e))
          (local.set $d33 (f32x4.sub (local.get $d13) (local.get $d33)))
          (local.set $d03 (f32x4.sub (local.get $d03) (local.get $d23)))
          (local.set $e (f32x4.add (local.get $d13) (local.get $d23)))
          (local.set $d23 (f32x4.sub (local.get $d23) (local.get $d13)))
          (local.set $d13 (local.get $e))
          (local.set $d03 (f32x4.sub (local.get $d01) (local.get $d03)))
          (local.set $d00 (f32x4.sub (local.get $d00) (local.get $d02)))
          (local.set $e (f32x4.add (local.get $d01) (local.get $d02)))
          (local.set $d02 (f32x4.sub (local.get $d02) (local.get $d01)))
          (local.set $d01 (local.get $e))
          (local.set $d13 (f32x4.sub (local.get $d11) (local.get $d13)))
          (local.set $d10 (f32x4.sub (local.get $d10) (local.get $d12)))
          (local.set $e (f32x4.add (local.get $d11) (local.get $d12)))
          (local.set $d12 (f32x4.sub (local.get $d12) (local.get $d11)))
          (local.set $d11 (local.get $e))
          (local.set $d23 (f32x4.sub (local.get $d21) (local.get $d23)))
          (local.set $d20 (f32x4.sub (local.get $d20) (local.get $d22)))
          (local.set $e (f32x4.add (local.get $d21) (local.get $d22)))
          (local.set $d22 (f32x4.sub (local.get $d22) (local.get $d21)))
          (local.set $d21 (local.get $e))
          (local.set $d33 (f32x4.sub (local.get $d31) (local.get $d33)))
          (local.set $d30 (f32x4.sub (local.get $d30) (local.get $d32)))
          (local.set $e (f32x4.add (local.get $d31) (local.get $d32)))
          (local.set $d32 (f32x4.sub (local.get $d32) (local.get $d31)))
          (local.set $d31 (local.get $e))
          (local.set $p (i32.add (local.get $q) (local.get $ch)))
          (v128.store (local.get $p) (local.get $d00))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d01))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d02))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d03))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d10))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d11))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d12))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d13))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d20))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d21))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d22))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d23))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d30))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d31))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d32))
          (local.set $p (i32.add (local.get $p) (local.get $vStride)))
          (v128.store (local.get $p) (local.get $d33))
          (br_if $chans (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 16))) (local.get $cb))))
        (local.set $q (i32.add (local.get $q) (local.get $cb)))
        (br_if $tiles (i32.lt_s (local.tee $tx (i32.add (local.get $tx) (i32.const 1))) (local.get $tw))))
      (br_if $tileRows (i32.lt_s (local.tee $ty (i32.add (local.get $ty) (i32.const 1))) (local.get $th)))))

  ;; wgOutput is Winograd F(2×2, 3×3)'s output transform: for each tile t
  ;; = ty·tw + tx of th×tw and channel ch < c, with element (i, j) of the
  ;; tile's 4×4 product M at byte m + (4i+j)·mStride + (t·c + ch)·4, it
  ;; stores the 2×2 outputs Aᵀ·M·A plus bias[ch], clamped at zero if relu,
  ;; where Aᵀ = [1 1 1 0; 0 1 −1 −1], at pixel (2ty+a, 2tx+b) of y (HWC,
  ;; oh×ow, c channels) where that lies inside y. Requires c a multiple of 4.
  (func (export "wgOutput") (param $m i32) (param $mStride i32) (param $c i32) (param $th i32) (param $tw i32)
    (param $bias i32) (param $relu i32) (param $y i32) (param $oh i32) (param $ow i32)
    (local $ty i32) (local $tx i32) (local $ch i32) (local $p i32) (local $q i32) (local $cb i32)
    (local $row i32) (local $down i32) (local $right i32) (local $b v128) (local $zero v128)
    (local $d00 v128) (local $d01 v128) (local $d02 v128) (local $d03 v128) (local $d10 v128) (local $d11 v128) (local $d12 v128) (local $d13 v128) (local $d20 v128) (local $d21 v128) (local $d22 v128) (local $d23 v128) (local $d30 v128) (local $d31 v128) (local $d32 v128) (local $d33 v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $ow) (local.get $cb)))
    (local.set $q (local.get $m))
    (loop $tileRows
      (local.set $down (i32.lt_s (i32.add (i32.shl (local.get $ty) (i32.const 1)) (i32.const 1)) (local.get $oh)))
      (local.set $tx (i32.const 0))
      (loop $tiles
        (local.set $right (i32.lt_s (i32.add (i32.shl (local.get $tx) (i32.const 1)) (i32.const 1)) (local.get $ow)))
        (local.set $ch (i32.const 0))
        (loop $chans
          (local.set $p (i32.add (local.get $q) (local.get $ch)))
          (local.set $d00 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d01 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d02 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d03 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d10 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d11 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d12 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d13 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d20 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d21 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d22 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d23 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d30 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d31 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d32 (v128.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $mStride)))
          (local.set $d33 (v128.load (local.get $p)))
          ;; Aᵀ·M (rows 0 and 1, over rows 0..3), then ·A (columns 0 and 1)
          (local.set $d00 (f32x4.add (f32x4.add (local.get $d00) (local.get $d10)) (local.get $d20)))
          (local.set $d10 (f32x4.sub (f32x4.sub (local.get $d10) (local.get $d20)) (local.get $d30)))
          (local.set $d01 (f32x4.add (f32x4.add (local.get $d01) (local.get $d11)) (local.get $d21)))
          (local.set $d11 (f32x4.sub (f32x4.sub (local.get $d11) (local.get $d21)) (local.get $d31)))
          (local.set $d02 (f32x4.add (f32x4.add (local.get $d02) (local.get $d12)) (local.get $d22)))
          (local.set $d12 (f32x4.sub (f32x4.sub (local.get $d12) (local.get $d22)) (local.get $d32)))
          (local.set $d03 (f32x4.add (f32x4.add (local.get $d03) (local.get $d13)) (local.get $d23)))
          (local.set $d13 (f32x4.sub (f32x4.sub (local.get $d13) (local.get $d23)) (local.get $d33)))
          (local.set $b (v128.load (i32.add (local.get $bias) (local.get $ch))))
          (local.set $d00 (f32x4.add (local.get $b) (f32x4.add (f32x4.add (local.get $d00) (local.get $d01)) (local.get $d02))))
          (local.set $d01 (f32x4.add (local.get $b) (f32x4.sub (f32x4.sub (local.get $d01) (local.get $d02)) (local.get $d03))))
          (local.set $d10 (f32x4.add (local.get $b) (f32x4.add (f32x4.add (local.get $d10) (local.get $d11)) (local.get $d12))))
          (local.set $d11 (f32x4.add (local.get $b) (f32x4.sub (f32x4.sub (local.get $d11) (local.get $d12)) (local.get $d13))))
          (if (local.get $relu) (then
            (local.set $d00 (f32x4.pmax (local.get $d00) (local.get $zero)))
            (local.set $d01 (f32x4.pmax (local.get $d01) (local.get $zero)))
            (local.set $d10 (f32x4.pmax (local.get $d10) (local.get $zero)))
            (local.set $d11 (f32x4.pmax (local.get $d11) (local.get $zero)))
          ))
          ;; p: channel ch of output pixel (2ty, 2tx)
          (local.set $p (i32.add (i32.add (local.get $y) (local.get $ch))
            (i32.add (i32.mul (i32.shl (local.get $ty) (i32.const 1)) (local.get $row))
                     (i32.mul (i32.shl (local.get $tx) (i32.const 1)) (local.get $cb)))))
          (v128.store (local.get $p) (local.get $d00))
          (if (local.get $right) (then (v128.store (i32.add (local.get $p) (local.get $cb)) (local.get $d01))))
          (if (local.get $down) (then
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (v128.store (local.get $p) (local.get $d10))
            (if (local.get $right) (then (v128.store (i32.add (local.get $p) (local.get $cb)) (local.get $d11))))))
          (br_if $chans (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 16))) (local.get $cb))))
        (local.set $q (i32.add (local.get $q) (local.get $cb)))
        (br_if $tiles (i32.lt_s (local.tee $tx (i32.add (local.get $tx) (i32.const 1))) (local.get $tw))))
      (br_if $tileRows (i32.lt_s (local.tee $ty (i32.add (local.get $ty) (i32.const 1))) (local.get $th)))))

  ;; addClamp sets dst[i] to dst[i] + src[i] (src = 0: dst[i]) clamped to
  ;; [lo, hi] (NaN stays NaN) for i < n: AddInPlace (lo, hi = ∓∞), ReLU
  ;; (0, ∞) and ReLU6 (0, 6).
  (func (export "addClamp") (param $dst i32) (param $src i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $v v128) (local $f f32) (local $lov v128) (local $hiv v128)
    (local.set $lov (f32x4.splat (local.get $lo)))
    (local.set $hiv (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $doneVec (loop $vec
      (br_if $doneVec (i32.ge_u (local.get $dst) (local.get $end)))
      (local.set $v (v128.load (local.get $dst)))
      (if (local.get $src) (then
        (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))))
      (local.set $v (f32x4.pmin (f32x4.pmax (local.get $v) (local.get $lov)) (local.get $hiv)))
      (v128.store (local.get $dst) (local.get $v))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $vec)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done (loop $scalar
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (local.set $f (f32.load (local.get $dst)))
      (if (local.get $src) (then
        (local.set $f (f32.add (local.get $f) (f32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))))
      (if (f32.lt (local.get $f) (local.get $lo)) (then (local.set $f (local.get $lo))))
      (if (f32.gt (local.get $f) (local.get $hi)) (then (local.set $f (local.get $hi))))
      (f32.store (local.get $dst) (local.get $f))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $scalar))))

  ;; scaleBias sets x[r, ch] to x[r, ch]·scale[ch] + bias[ch] for r < rows,
  ;; ch < c (ScaleBias). Requires c a multiple of 4 and rows, c ≥ 1.
  (func (export "scaleBias") (param $x i32) (param $rows i32) (param $c i32) (param $scale i32) (param $bias i32)
    (local $ch i32) (local $cb i32) (local $v v128) (local $s v128) (local $b v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (loop $rowsL
      (local.set $ch (i32.const 0))
      (loop $chans
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $ch))))
        (local.set $s (v128.load (i32.add (local.get $scale) (local.get $ch))))
        (local.set $b (v128.load (i32.add (local.get $bias) (local.get $ch))))
        (local.set $v (f32x4.relaxed_madd (local.get $v) (local.get $s) (local.get $b)))
        (v128.store (i32.add (local.get $x) (local.get $ch)) (local.get $v))
        (br_if $chans (i32.lt_s (local.tee $ch (i32.add (local.get $ch) (i32.const 16))) (local.get $cb))))
      (local.set $x (i32.add (local.get $x) (local.get $cb)))
      (br_if $rowsL (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; sqDist sets out[r] to the sum over i < dim of (m[r·dim + i] − q[i])²,
  ;; for r < rows: the squared Euclidean distances from q to every row of the
  ;; contiguous matrix m (SquaredDistances, the gallery's search). Requires
  ;; dim a multiple of 4 and rows, dim ≥ 1.
  (func (export "sqDist") (param $m i32) (param $rows i32) (param $dim i32) (param $q i32) (param $out i32)
    (local $i i32) (local $db i32) (local $acc v128) (local $d v128)
    (local.set $db (i32.shl (local.get $dim) (i32.const 2)))
    (loop $rowsL
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (loop $cols
        (local.set $d (f32x4.sub (v128.load (i32.add (local.get $m) (local.get $i)))
                                 (v128.load (i32.add (local.get $q) (local.get $i)))))
        (local.set $acc (f32x4.relaxed_madd (local.get $d) (local.get $d) (local.get $acc)))
        (br_if $cols (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $db))))
      (f32.store (local.get $out)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                 (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (local.set $m (i32.add (local.get $m) (local.get $db)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $rowsL (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; fmaPeak runs rounds × 10 independent multiply-adds of four lanes on
  ;; registers alone (ten chains: more than a fused multiply-add's latency ×
  ;; ports on current x86 cores) and returns a lane of their sum, so that no
  ;; engine drops the work. Timed by e2e/peer/peak.mjs: this engine's SIMD
  ;; ceiling, 80 floating-point operations a round. Requires rounds ≥ 1.
  (func (export "fmaPeak") (param $rounds i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $x v128) (local $y v128)
    (local.set $x (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $y (v128.const f32x4 1 1 1 1))
    (loop $round
      (local.set $a0 (f32x4.relaxed_madd (local.get $a0) (local.get $x) (local.get $y)))
      (local.set $a1 (f32x4.relaxed_madd (local.get $a1) (local.get $x) (local.get $y)))
      (local.set $a2 (f32x4.relaxed_madd (local.get $a2) (local.get $x) (local.get $y)))
      (local.set $a3 (f32x4.relaxed_madd (local.get $a3) (local.get $x) (local.get $y)))
      (local.set $a4 (f32x4.relaxed_madd (local.get $a4) (local.get $x) (local.get $y)))
      (local.set $a5 (f32x4.relaxed_madd (local.get $a5) (local.get $x) (local.get $y)))
      (local.set $a6 (f32x4.relaxed_madd (local.get $a6) (local.get $x) (local.get $y)))
      (local.set $a7 (f32x4.relaxed_madd (local.get $a7) (local.get $x) (local.get $y)))
      (local.set $a8 (f32x4.relaxed_madd (local.get $a8) (local.get $x) (local.get $y)))
      (local.set $a9 (f32x4.relaxed_madd (local.get $a9) (local.get $x) (local.get $y)))
      (br_if $round (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1))
      (f32x4.add (local.get $a2) (local.get $a3))) (f32x4.add (f32x4.add (f32x4.add (local.get $a4) (local.get $a5))
      (f32x4.add (local.get $a6) (local.get $a7))) (f32x4.add (local.get $a8) (local.get $a9))))))
)
