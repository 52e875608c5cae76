// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @reductions
// CHECK: sf.reduce_sum %arg0 axes [1] : tensor<?x8x3xf32> -> tensor<?x3xf32>
// CHECK: sf.reduce_mean %arg0 axes [-1, 0] {keepdims = true} : tensor<?x8x3xf32> -> tensor<1x8x1xf32>
// CHECK: sf.reduce_prod %arg0 axes [] : tensor<?x8x3xf32> -> tensor<?x8x3xf32>
// CHECK: sf.reduce_max %arg0 axes [0, 1, 2] : tensor<?x8x3xf32> -> tensor<f32>
// CHECK: sf.reduce_min %arg0 axes [2] : tensor<?x8x3xf32> -> tensor<?x8xf32>
// CHECK: sf.reduce_any %arg1 axes [0] : tensor<4x?xi1> -> tensor<?xi1>
// CHECK: sf.reduce_all %arg1 axes [1] {keepdims = true} : tensor<4x?xi1> -> tensor<4x1xi1>
func.func @reductions(%x: tensor<?x8x3xf32>, %b: tensor<4x?xi1>) -> (tensor<?x3xf32>, tensor<1x8x1xf32>, tensor<?x8x3xf32>, tensor<f32>, tensor<?x8xf32>, tensor<?xi1>, tensor<4x1xi1>) {
  %0 = sf.reduce_sum %x axes [1] {keepdims = false} : tensor<?x8x3xf32> -> tensor<?x3xf32>
  %1 = sf.reduce_mean %x axes [-1, 0] {keepdims = true} : tensor<?x8x3xf32> -> tensor<1x8x1xf32>
  %2 = sf.reduce_prod %x axes [] : tensor<?x8x3xf32> -> tensor<?x8x3xf32>
  %3 = sf.reduce_max %x axes [0, 1, 2] : tensor<?x8x3xf32> -> tensor<f32>
  %4 = sf.reduce_min %x axes [2] : tensor<?x8x3xf32> -> tensor<?x8xf32>
  %5 = sf.reduce_any %b axes [0] : tensor<4x?xi1> -> tensor<?xi1>
  %6 = sf.reduce_all %b axes [1] {keepdims = true} : tensor<4x?xi1> -> tensor<4x1xi1>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x3xf32>, tensor<1x8x1xf32>, tensor<?x8x3xf32>, tensor<f32>, tensor<?x8xf32>, tensor<?xi1>, tensor<4x1xi1>
}

// CHECK-LABEL: func.func @arg_reductions
// CHECK: sf.argmax %arg0 axis -1 : tensor<?x8xf32> -> tensor<?xi64>
// CHECK: sf.argmin %arg0 axis 0 : tensor<?x8xf32> -> tensor<8xi32>
func.func @arg_reductions(%x: tensor<?x8xf32>) -> (tensor<?xi64>, tensor<8xi32>) {
  %0 = sf.argmax %x axis -1 : tensor<?x8xf32> -> tensor<?xi64>
  %1 = sf.argmin %x axis 0 : tensor<?x8xf32> -> tensor<8xi32>
  return %0, %1 : tensor<?xi64>, tensor<8xi32>
}

// CHECK-LABEL: func.func @softmax
// CHECK: sf.softmax %arg0 axis -1 : tensor<?x10xf32>
// CHECK: sf.log_softmax %arg0 axis 0 : tensor<?x10xf32>
func.func @softmax(%x: tensor<?x10xf32>) -> (tensor<?x10xf32>, tensor<?x10xf32>) {
  %0 = sf.softmax %x axis -1 : tensor<?x10xf32>
  %1 = sf.log_softmax %x axis 0 : tensor<?x10xf32>
  return %0, %1 : tensor<?x10xf32>, tensor<?x10xf32>
}
