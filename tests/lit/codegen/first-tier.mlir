// RUN: sf-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(sf-cpu-tile-and-vectorize{min-work=5000}))" | FileCheck %s
// RUN: sf-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(sf-cpu-tile-and-vectorize))" | FileCheck %s --check-prefix=ALL
// RUN: sf-opt %s --split-input-file --sf-lower-to-loops="optimize=1 first-tier=1 kernels=0" | FileCheck %s --check-prefix=TIER

// The first tier of a tiered compile (min-work) leaves a function whose
// linalg ops add up to few loop iterations as it is: it becomes scalar
// loops, quick to compile for the few calls before the optimized code.

#map = affine_map<(d0, d1) -> (d0, d1)>
// 4 x 1000 = 4000 iterations, under 5000: untouched
// CHECK-LABEL: func.func @small
// CHECK: linalg.generic
// CHECK-NOT: vector.
// ALL-LABEL: func.func @small
// ALL: vector.transfer_read
// TIER-LABEL: func.func @small
// TIER: scf.for
// TIER-NOT: vector.
func.func @small(%a: tensor<4x1000xf32>, %b: tensor<4x1000xf32>) -> tensor<4x1000xf32> {
  %e = tensor.empty() : tensor<4x1000xf32>
  %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x1000xf32>, tensor<4x1000xf32>) outs(%e : tensor<4x1000xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x1000xf32>
  return %r : tensor<4x1000xf32>
}

// -----

#map = affine_map<(d0, d1) -> (d0, d1)>
// 8 x 1000 = 8000 iterations: vectorized
// CHECK-LABEL: func.func @big
// CHECK: vector.transfer_read
// ALL-LABEL: func.func @big
// ALL: vector.transfer_read
func.func @big(%a: tensor<8x1000xf32>, %b: tensor<8x1000xf32>) -> tensor<8x1000xf32> {
  %e = tensor.empty() : tensor<8x1000xf32>
  %r = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<8x1000xf32>, tensor<8x1000xf32>) outs(%e : tensor<8x1000xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<8x1000xf32>
  return %r : tensor<8x1000xf32>
}
