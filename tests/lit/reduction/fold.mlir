// RUN: sf-opt %s --canonicalize | FileCheck %s

// Reducing nothing, or only size-1 dims that are kept, is the identity.
// CHECK-LABEL: func.func @identity_reductions
// CHECK-NOT: sf.reduce
// CHECK: return %arg0, %arg0, %arg0
func.func @identity_reductions(%x: tensor<4x1x?xf32>) -> (tensor<4x1x?xf32>, tensor<4x1x?xf32>, tensor<4x1x?xf32>) {
  %0 = sf.reduce_sum %x axes [] : tensor<4x1x?xf32> -> tensor<4x1x?xf32>
  %1 = sf.reduce_mean %x axes [1] {keepdims = true} : tensor<4x1x?xf32> -> tensor<4x1x?xf32>
  %2 = sf.reduce_max %x axes [-2] {keepdims = true} : tensor<4x1x?xf32> -> tensor<4x1x?xf32>
  return %0, %1, %2 : tensor<4x1x?xf32>, tensor<4x1x?xf32>, tensor<4x1x?xf32>
}

// A reduced dim of size > 1 or unknown size stays.
// CHECK-LABEL: func.func @real_reductions
// CHECK: sf.reduce_sum %arg0 axes [0] {keepdims = true}
// CHECK: sf.reduce_prod %arg0 axes [2] {keepdims = true}
func.func @real_reductions(%x: tensor<4x1x?xf32>) -> (tensor<1x1x?xf32>, tensor<4x1x1xf32>) {
  %0 = sf.reduce_sum %x axes [0] {keepdims = true} : tensor<4x1x?xf32> -> tensor<1x1x?xf32>
  %1 = sf.reduce_prod %x axes [2] {keepdims = true} : tensor<4x1x?xf32> -> tensor<4x1x1xf32>
  return %0, %1 : tensor<1x1x?xf32>, tensor<4x1x1xf32>
}

// Along a size-1 axis every index is 0.
// CHECK-LABEL: func.func @trivial_argmax
// CHECK: %[[Z:.*]] = sf.constant dense<0> : tensor<4x3xi64>
// CHECK: return %[[Z]]
func.func @trivial_argmax(%x: tensor<4x1x3xf32>) -> tensor<4x3xi64> {
  %0 = sf.argmax %x axis -2 : tensor<4x1x3xf32> -> tensor<4x3xi64>
  return %0 : tensor<4x3xi64>
}
