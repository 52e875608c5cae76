// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: sf.matmul %arg0, %arg1 {transpose_b = true} : (tensor<?x8xf32>, tensor<5x8xf32>) -> tensor<?x5xf32>
// CHECK: sf.matmul %arg2, %arg2 : (tensor<3x3xi32>, tensor<3x3xi32>) -> tensor<3x3xi32>
func.func @matmul(%a: tensor<?x8xf32>, %b: tensor<5x8xf32>, %c: tensor<3x3xi32>) -> (tensor<?x5xf32>, tensor<3x3xi32>) {
  %0 = sf.matmul %a, %b {transpose_b = true} : (tensor<?x8xf32>, tensor<5x8xf32>) -> tensor<?x5xf32>
  %1 = sf.matmul %c, %c {transpose_a = false} : (tensor<3x3xi32>, tensor<3x3xi32>) -> tensor<3x3xi32>
  return %0, %1 : tensor<?x5xf32>, tensor<3x3xi32>
}

// A written result type may be more static than the inferred one.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: sf.batch_matmul %arg0, %arg1 {transpose_a = true} : (tensor<2x?x8x4xf32>, tensor<2x?x8x6xf32>) -> tensor<2x3x4x6xf32>
func.func @batch_matmul(%a: tensor<2x?x8x4xf32>, %b: tensor<2x?x8x6xf32>) -> tensor<2x3x4x6xf32> {
  %0 = sf.batch_matmul %a, %b {transpose_a = true} : (tensor<2x?x8x4xf32>, tensor<2x?x8x6xf32>) -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// CHECK-LABEL: func.func @conv2d
// CHECK: sf.conv2d %arg0, %arg1 strides [2, 2] dilations [1, 1] padding [0, 1, 0, 1] : (tensor<?x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32>
func.func @conv2d(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = sf.conv2d %x, %w strides [2, 2] dilations [1, 1] padding [0, 1, 0, 1] : (tensor<?x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// CHECK-LABEL: func.func @pools
// CHECK: sf.max_pool %arg0 ksize [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
// CHECK: sf.avg_pool %arg0 ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
func.func @pools(%x: tensor<1x8x8x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %0 = sf.max_pool %x ksize [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %1 = sf.avg_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %0, %1 : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}
