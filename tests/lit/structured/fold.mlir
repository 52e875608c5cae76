// RUN: sf-opt %s --canonicalize | FileCheck %s

// A 1x1 window with unit strides and no padding is the identity.
// CHECK-LABEL: func.func @identity_pools
// CHECK-NOT: _pool
// CHECK: return %arg0, %arg0
func.func @identity_pools(%x: tensor<2x5x5x3xf32>) -> (tensor<2x5x5x3xf32>, tensor<2x5x5x3xf32>) {
  %0 = sf.max_pool %x ksize [1, 1] strides [1, 1] padding [0, 0, 0, 0] : tensor<2x5x5x3xf32> -> tensor<2x5x5x3xf32>
  %1 = sf.avg_pool %x ksize [1, 1] strides [1, 1] padding [0, 0, 0, 0] : tensor<2x5x5x3xf32> -> tensor<2x5x5x3xf32>
  return %0, %1 : tensor<2x5x5x3xf32>, tensor<2x5x5x3xf32>
}

// A strided 1x1 pool subsamples: not folded.
// CHECK-LABEL: func.func @strided_pool
// CHECK: sf.max_pool
func.func @strided_pool(%x: tensor<2x5x5x3xf32>) -> tensor<2x3x3x3xf32> {
  %0 = sf.max_pool %x ksize [1, 1] strides [2, 2] padding [0, 0, 0, 0] : tensor<2x5x5x3xf32> -> tensor<2x3x3x3xf32>
  return %0 : tensor<2x3x3x3xf32>
}

// Unused structured ops are Pure: they disappear.
// CHECK-LABEL: func.func @dead
// CHECK-NOT: sf.matmul
func.func @dead(%a: tensor<4x4xf32>) {
  %0 = sf.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}
