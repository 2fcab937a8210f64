;; survkit's float32 matrix product in WebAssembly SIMD (f32x4, no relaxed SIMD):
;;   C[m×n] = A[m×k]·B[k×n] (+ bias[n] on every row) (+ C when accumulating)
;; A(i, p) = a[i·sam + p·sak] and B(p, j) = b[p·sbk + j·sbn] with any strides (so A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ
;; are all strides); C(i, j) = c[i·ldc + j]. Pointers and strides count float32 elements.
;;
;; Blocking: the columns in panels of 8, the rows in blocks of 4 (a 4×8 register tile: four broadcast
;; A loads and two v128 B loads feed eight f32x4 accumulators per step of k), the last m mod 4 rows by a
;; 1×8 tile. A panel of B is read in place when its columns are contiguous (sbn = 1) and whole; otherwise
;; (transposed B, the last n mod 8 columns) it is first packed into `work` as k rows of 8 floats, zero
;; padded. Partial tiles go through the 32-float scratch at the start of `work`.
;; Each C(i, j) is one float32 sum over p in order 0..k−1, then + bias[j], then + C(i, j).
;;
;; flags: bit 0 accumulate into C, bit 1 add bias. work: 32 + 8·k floats.
(module
  (memory (export "memory") 1)

  ;; Packs B's panel at byte address $b (k rows, $nr ≤ 8 columns; byte strides $sbk, $sbn) into $w (k × 8, zero padded).
  (func $pack (param $b i32) (param $sbk i32) (param $sbn i32) (param $k i32) (param $nr i32) (param $w i32)
    (local $j i32) (local $src i32)
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $rows
        (v128.store (local.get $w) (v128.const i32x4 0 0 0 0))
        (v128.store offset=16 (local.get $w) (v128.const i32x4 0 0 0 0))
        (local.set $src (local.get $b))
        (local.set $j (i32.const 0))
        (loop $cols
          (f32.store (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))) (f32.load (local.get $src)))
          (local.set $src (i32.add (local.get $src) (local.get $sbn)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $rows (local.get $k)))))

  ;; Stores one tile row (8 sums in $x0, $x1) at byte address $c: + bias, + C, only the first $nr columns.
  (func $store (param $x0 v128) (param $x1 v128) (param $c i32) (param $nr i32) (param $flags i32) (param $bias i32) (param $tmp i32)
    (local $j i32) (local $v f32) (local $at i32)
    (if (i32.eq (local.get $nr) (i32.const 8))
      (then
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (local.set $x0 (f32x4.add (local.get $x0) (v128.load (local.get $bias))))
            (local.set $x1 (f32x4.add (local.get $x1) (v128.load offset=16 (local.get $bias))))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $x0 (f32x4.add (local.get $x0) (v128.load (local.get $c))))
            (local.set $x1 (f32x4.add (local.get $x1) (v128.load offset=16 (local.get $c))))))
        (v128.store (local.get $c) (local.get $x0))
        (v128.store offset=16 (local.get $c) (local.get $x1))
        (return)))
    (v128.store (local.get $tmp) (local.get $x0))
    (v128.store offset=16 (local.get $tmp) (local.get $x1))
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $at (i32.shl (local.get $j) (i32.const 2)))
      (local.set $v (f32.load (i32.add (local.get $tmp) (local.get $at))))
      (if (i32.and (local.get $flags) (i32.const 2))
        (then (local.set $v (f32.add (local.get $v) (f32.load (i32.add (local.get $bias) (local.get $at)))))))
      (if (i32.and (local.get $flags) (i32.const 1))
        (then (local.set $v (f32.add (local.get $v) (f32.load (i32.add (local.get $c) (local.get $at)))))))
      (f32.store (i32.add (local.get $c) (local.get $at)) (local.get $v))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $nr)))))

  ;; The 4×8 tile: rows at byte addresses $a, $a + $sam, …; B panel at $b with row stride $sbk (bytes).
  (func $tile4 (param $a i32) (param $sam i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $k i32)
    (param $c i32) (param $ldc i32) (param $nr i32) (param $flags i32) (param $bias i32) (param $tmp i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $sam)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $sam)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $sam)))
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $steps
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (local.get $a3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $sak)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $sak)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $steps (local.get $k))))
    ;; whole tile: stores in line (bias, then C)
    (if (i32.eq (local.get $nr) (i32.const 8))
      (then
        (local.set $a1 (i32.add (local.get $c) (local.get $ldc)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $ldc)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $ldc)))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (local.set $b0 (v128.load (local.get $bias)))
            (local.set $b1 (v128.load offset=16 (local.get $bias)))
            (local.set $c00 (f32x4.add (local.get $c00) (local.get $b0)))
            (local.set $c01 (f32x4.add (local.get $c01) (local.get $b1)))
            (local.set $c10 (f32x4.add (local.get $c10) (local.get $b0)))
            (local.set $c11 (f32x4.add (local.get $c11) (local.get $b1)))
            (local.set $c20 (f32x4.add (local.get $c20) (local.get $b0)))
            (local.set $c21 (f32x4.add (local.get $c21) (local.get $b1)))
            (local.set $c30 (f32x4.add (local.get $c30) (local.get $b0)))
            (local.set $c31 (f32x4.add (local.get $c31) (local.get $b1)))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $a1))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $a1))))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $a2))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $a2))))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $a3))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $a3))))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (v128.store (local.get $a1) (local.get $c10))
        (v128.store offset=16 (local.get $a1) (local.get $c11))
        (v128.store (local.get $a2) (local.get $c20))
        (v128.store offset=16 (local.get $a2) (local.get $c21))
        (v128.store (local.get $a3) (local.get $c30))
        (v128.store offset=16 (local.get $a3) (local.get $c31))
        (return)))
    (call $store (local.get $c00) (local.get $c01) (local.get $c) (local.get $nr) (local.get $flags) (local.get $bias) (local.get $tmp))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store (local.get $c10) (local.get $c11) (local.get $c) (local.get $nr) (local.get $flags) (local.get $bias) (local.get $tmp))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store (local.get $c20) (local.get $c21) (local.get $c) (local.get $nr) (local.get $flags) (local.get $bias) (local.get $tmp))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store (local.get $c30) (local.get $c31) (local.get $c) (local.get $nr) (local.get $flags) (local.get $bias) (local.get $tmp)))

  ;; The 1×8 tile (the last m mod 4 rows).
  (func $tile1 (param $a i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $k i32)
    (param $c i32) (param $nr i32) (param $flags i32) (param $bias i32) (param $tmp i32)
    (local $x v128) (local $c00 v128) (local $c01 v128)
    (block $done
      (br_if $done (i32.eqz (local.get $k)))
      (loop $steps
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $steps (local.get $k))))
    (call $store (local.get $c00) (local.get $c01) (local.get $c) (local.get $nr) (local.get $flags) (local.get $bias) (local.get $tmp)))

  (func (export "gemm") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $sam i32) (param $sak i32)
    (param $b i32) (param $sbk i32) (param $sbn i32) (param $c i32) (param $ldc i32) (param $flags i32) (param $bias i32) (param $work i32)
    (local $j i32) (local $i i32) (local $nr i32) (local $pb i32) (local $psk i32) (local $panel i32) (local $ai i32) (local $ci i32)
    (local $cj i32) (local $bj i32) (local $m4 i32)
    ;; elements → bytes
    (local.set $a (i32.shl (local.get $a) (i32.const 2)))
    (local.set $sam (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $b (i32.shl (local.get $b) (i32.const 2)))
    (local.set $sbk (i32.shl (local.get $sbk) (i32.const 2)))
    (local.set $sbn (i32.shl (local.get $sbn) (i32.const 2)))
    (local.set $c (i32.shl (local.get $c) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $bias (i32.shl (local.get $bias) (i32.const 2)))
    (local.set $work (i32.shl (local.get $work) (i32.const 2)))
    (local.set $panel (i32.add (local.get $work) (i32.const 128)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (block $end
      (br_if $end (i32.or (i32.le_s (local.get $m) (i32.const 0)) (i32.le_s (local.get $n) (i32.const 0))))
      (local.set $j (i32.const 0))
      (loop $panels
        (local.set $nr (i32.sub (local.get $n) (local.get $j)))
        (if (i32.gt_s (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
        (local.set $bj (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $sbn))))
        (if (i32.and (i32.eq (local.get $nr) (i32.const 8)) (i32.eq (local.get $sbn) (i32.const 4)))
          (then
            (local.set $pb (local.get $bj))
            (local.set $psk (local.get $sbk)))
          (else
            (call $pack (local.get $bj) (local.get $sbk) (local.get $sbn) (local.get $k) (local.get $nr) (local.get $panel))
            (local.set $pb (local.get $panel))
            (local.set $psk (i32.const 32))))
        (local.set $cj (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $ai (local.get $a))
        (local.set $ci (local.get $cj))
        (local.set $i (i32.const 0))
        (block $rows4
          (br_if $rows4 (i32.ge_s (local.get $i) (local.get $m4)))
          (loop $blocks
            (call $tile4 (local.get $ai) (local.get $sam) (local.get $sak) (local.get $pb) (local.get $psk) (local.get $k)
              (local.get $ci) (local.get $ldc) (local.get $nr) (local.get $flags)
              (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (local.get $work))
            (local.set $ai (i32.add (local.get $ai) (i32.shl (local.get $sam) (i32.const 2))))
            (local.set $ci (i32.add (local.get $ci) (i32.shl (local.get $ldc) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br_if $blocks (i32.lt_s (local.get $i) (local.get $m4)))))
        (block $rows1
          (br_if $rows1 (i32.ge_s (local.get $i) (local.get $m)))
          (loop $singles
            (call $tile1 (local.get $ai) (local.get $sak) (local.get $pb) (local.get $psk) (local.get $k)
              (local.get $ci) (local.get $nr) (local.get $flags)
              (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (local.get $work))
            (local.set $ai (i32.add (local.get $ai) (local.get $sam)))
            (local.set $ci (i32.add (local.get $ci) (local.get $ldc)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $singles (i32.lt_s (local.get $i) (local.get $m)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br_if $panels (i32.lt_s (local.get $j) (local.get $n)))))))
