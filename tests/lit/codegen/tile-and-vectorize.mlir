// RUN: sf-opt %s --pass-pipeline="builtin.module(func.func(sf-cpu-tile-and-vectorize{target=avx2}),canonicalize,cse)" | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: sf-opt %s --pass-pipeline="builtin.module(func.func(sf-cpu-tile-and-vectorize{target=avx512}),canonicalize,cse)" | FileCheck %s --check-prefixes=CHECK,AVX512

// A matmul big enough for threads: B is packed into register-tile columns
// (16 f32 on AVX2, 32 on AVX-512), the rows x columns blocks are an
// scf.forall, K is blocked by 256, and the register tile (6x16 / 8x32)
// accumulates in vector iter_args (one 1-D vector per row) with FMAs.
// CHECK-LABEL: func.func @matmul
// AVX2: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [512, 32, 16]
// AVX512: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [512, 16, 32]
// CHECK: scf.forall
// AVX2: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (384, 32) step (96, 16)
// AVX512: scf.forall (%{{.*}}) = (0) to (384) step (32)
// CHECK: scf.for %{{.*}} = %c0 to %c512 step %c256
// AVX2: scf.for %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX512: scf.for %{{.*}} iter_args({{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// AVX2: vector.fma %{{.*}} : vector<16xf32>
// AVX512: vector.fma %{{.*}} : vector<32xf32>
// CHECK-NOT: linalg.
// CHECK: tensor.collapse_shape
func.func @matmul(%a: tensor<384x512xf32>, %b: tensor<512x512xf32>) -> tensor<384x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<384x512xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<384x512xf32>) -> tensor<384x512xf32>
  %r = linalg.matmul ins(%a, %b : tensor<384x512xf32>, tensor<512x512xf32>) outs(%c : tensor<384x512xf32>) -> tensor<384x512xf32>
  return %r : tensor<384x512xf32>
}

// Sizes that divide no tile (7x13, K=5): peeled into whole 6-row tiles and
// a 1-row remainder, 13 columns handled by one static 13-wide vector; no
// packing (13 is not a multiple of the tile).
// CHECK-LABEL: func.func @matmul_odd
// AVX2: scf.for %{{.*}} iter_args({{.*}}) -> (vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>)
// AVX2: scf.for %{{.*}} iter_args({{.*}}) -> (vector<13xf32>)
// AVX512: scf.for %{{.*}} iter_args({{.*}}) -> (vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>, vector<13xf32>)
// CHECK-NOT: linalg.matmul
func.func @matmul_odd(%a: tensor<7x5xf32>, %b: tensor<5x13xf32>) -> tensor<7x13xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<7x13xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<7x13xf32>) -> tensor<7x13xf32>
  %r = linalg.matmul ins(%a, %b : tensor<7x5xf32>, tensor<5x13xf32>) outs(%c : tensor<7x13xf32>) -> tensor<7x13xf32>
  return %r : tensor<7x13xf32>
}

// A reduction over the innermost dim keeps 2 vectors of partial sums per row
// for 4 rows, merges them across lanes once per row block, and math.exp
// becomes a vectorizable polynomial.
// CHECK-LABEL: func.func @sum_exp
// CHECK: scf.forall
// AVX2: scf.for %{{.*}} = %c0 to %c1024 step %c16 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX512: scf.for %{{.*}} = %c0 to %c1024 step %c32 iter_args({{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK-NOT: linalg.generic
func.func @sum_exp(%x: tensor<4096x1024xf32>) -> tensor<4096xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4096xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4096xf32>) -> tensor<4096xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4096x1024xf32>) outs(%init : tensor<4096xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %ex = math.exp %v : f32
    %sum = arith.addf %ex, %acc : f32
    linalg.yield %sum : f32
  } -> tensor<4096xf32>
  return %s : tensor<4096xf32>
}

// Convolution: threads over (batch, output rows), the 3x3 window reduced
// in registers (output-width x channel tile), as 1-D convolutions.
// CHECK-LABEL: func.func @conv
// CHECK: scf.forall
// AVX2: -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX512: -> (vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK: vector.fma
// CHECK-NOT: linalg.conv
func.func @conv(%x: tensor<8x18x18x32xf32>, %w: tensor<3x3x32x64xf32>) -> tensor<8x16x16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16x16x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16x16x64xf32>) -> tensor<8x16x16x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<8x18x18x32xf32>, tensor<3x3x32x64xf32>) outs(%c : tensor<8x16x16x64xf32>) -> tensor<8x16x16x64xf32>
  return %r : tensor<8x16x16x64xf32>
}

// A padded convolution pads each thread block's input window inside the
// block (zeros written as vectors, the window copied in), and zeroes its own
// output tile there: no padded copy of the whole input, no separate pass
// over the output.
// CHECK-LABEL: func.func @conv_padded
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<8x16x16x32xf32>
// CHECK-NOT: tensor.pad
// CHECK: scf.forall
// CHECK-NOT: tensor.pad
// CHECK: tensor.extract_slice %[[X]]
// CHECK: vector.transfer_write %{{.*}} : vector<32xf32>, tensor<1x?x?x32xf32>
// CHECK: tensor.insert_slice
// CHECK: vector.transfer_write %{{.*}} : vector<{{32|64}}xf32>, tensor<1x1x
// CHECK: vector.fma
// CHECK-NOT: scf.forall (
// CHECK-NOT: tensor.pad
// CHECK: return
func.func @conv_padded(%x: tensor<8x16x16x32xf32>, %w: tensor<3x3x32x64xf32>) -> tensor<8x16x16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<8x16x16x32xf32> to tensor<8x18x18x32xf32>
  %e = tensor.empty() : tensor<8x16x16x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16x16x64xf32>) -> tensor<8x16x16x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<8x18x18x32xf32>, tensor<3x3x32x64xf32>) outs(%c : tensor<8x16x16x64xf32>) -> tensor<8x16x16x64xf32>
  return %r : tensor<8x16x16x64xf32>
}

// An iteration space with a zero-size dim computes nothing: the op is
// replaced by its init (for a reduction over an empty axis: the identity).
// CHECK-LABEL: func.func @empty
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.forall (
// CHECK: %[[FILL:.*]] = vector.transfer_write %{{.*}} : vector<6xf32>, tensor<6xf32>
// CHECK-NEXT: return %{{.*}}, %[[FILL]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
func.func @empty(%x: tensor<6x0xf32>) -> (tensor<6x0xf32>, tensor<6xf32>) {
  %e = tensor.empty() : tensor<6x0xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<6x0xf32>) outs(%e : tensor<6x0xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<6x0xf32>
  %zero = arith.constant 0.0 : f32
  %r = tensor.empty() : tensor<6xf32>
  %init = linalg.fill ins(%zero : f32) outs(%r : tensor<6xf32>) -> tensor<6xf32>
  %1 = linalg.generic {indexing_maps = [#id, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<6x0xf32>) outs(%init : tensor<6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<6xf32>
  return %0, %1 : tensor<6x0xf32>, tensor<6xf32>
}
