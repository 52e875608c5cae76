// RUN: sf-opt %s --sf-to-linalg --canonicalize | FileCheck %s

// Transposes fold into linalg.matmul's indexing maps; M comes from %a.
// CHECK-DAG: #[[A_T:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[B_T:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transposed
// CHECK-SAME: (%[[A:[^:]*]]: tensor<8x?xf32>{{.*}}, %[[B:[^:]*]]: tensor<5x8xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %c1
// CHECK: %[[E:.*]] = tensor.empty(%[[M]]) : tensor<?x5xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x5xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[A_T]], #[[B_T]], #[[C]]] ins(%[[A]], %[[B]] : tensor<8x?xf32>, tensor<5x8xf32>) outs(%[[F]] : tensor<?x5xf32>)
func.func @matmul_transposed(%a: tensor<8x?xf32>, %b: tensor<5x8xf32>) -> tensor<?x5xf32> {
  %0 = sf.matmul %a, %b {transpose_a = true, transpose_b = true} : (tensor<8x?xf32>, tensor<5x8xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @matmul_plain
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x3xi32>, tensor<3x5xi32>)
func.func @matmul_plain(%a: tensor<4x3xi32>, %b: tensor<3x5xi32>) -> tensor<4x5xi32> {
  %0 = sf.matmul %a, %b : (tensor<4x3xi32>, tensor<3x5xi32>) -> tensor<4x5xi32>
  return %0 : tensor<4x5xi32>
}

// Batch dims collapse into one for linalg.batch_matmul and expand back.
// CHECK-LABEL: func.func @batch_matmul_rank4
// CHECK: %[[CA:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2], [3]] : tensor<2x3x5x4xf32> into tensor<6x5x4xf32>
// CHECK: %[[CB:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x7xf32> into tensor<6x4x7xf32>
// CHECK: %[[R:.*]] = linalg.batch_matmul ins(%[[CA]], %[[CB]] : tensor<6x5x4xf32>, tensor<6x4x7xf32>) outs(%{{.*}} : tensor<6x5x7xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 5, 7] : tensor<6x5x7xf32> into tensor<2x3x5x7xf32>
func.func @batch_matmul_rank4(%a: tensor<2x3x5x4xf32>, %b: tensor<2x3x4x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = sf.batch_matmul %a, %b : (tensor<2x3x5x4xf32>, tensor<2x3x4x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}

// Explicit padding is a zero tensor.pad before linalg.conv_2d_nhwc_hwcf.
// CHECK-LABEL: func.func @conv2d
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<?x8x8x3xf32> to tensor<?x9x9x3xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x4x4x16xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %arg1 : tensor<?x9x9x3xf32>, tensor<3x3x3x16xf32>) outs(%[[F]] : tensor<?x4x4x16xf32>)
func.func @conv2d(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = sf.conv2d %x, %w strides [2, 2] dilations [1, 1] padding [0, 1, 0, 1] : (tensor<?x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// Max pooling pads with -inf (signed integers: their minimum; unsigned: 0).
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEG_INF]] : f32
// CHECK: %[[W:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[W]] : tensor<1x10x10x4xf32>, tensor<3x3xf32>) outs(%[[F]] : tensor<1x4x4x4xf32>)
// CHECK-LABEL: func.func @max_pool_ui8
// CHECK: linalg.pooling_nhwc_max_unsigned
func.func @max_pool(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = sf.max_pool %x ksize [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
func.func @max_pool_ui8(%x: tensor<1x4x4x2xui8>) -> tensor<1x2x2x2xui8> {
  %0 = sf.max_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x4x4x2xui8> -> tensor<1x2x2x2xui8>
  return %0 : tensor<1x2x2x2xui8>
}

// Without padding every window holds ksize elements: a constant divisor.
// CHECK-LABEL: func.func @avg_pool_valid
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[S:.*]] = linalg.pooling_nhwc_sum
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<1x4x4x4xf32>)
// CHECK: arith.divf %{{.*}}, %[[FOUR]] : f32
func.func @avg_pool_valid(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = sf.avg_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// With padding each window divides by its count of input elements,
// min(start + k, H) - max(start, 0) per spatial dim, from linalg.index.
// CHECK-LABEL: func.func @avg_pool_same
// CHECK: %[[S:.*]] = linalg.pooling_nhwc_sum
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<1x3x3x1xf32>)
// CHECK: %[[OW:.*]] = linalg.index 2 : index
// CHECK: %[[OW_END:.*]] = arith.addi %[[OW]], %c2 : index
// CHECK: %[[OW_START:.*]] = arith.maxsi %[[OW]], %c0 : index
// CHECK: %[[OW_STOP:.*]] = arith.minsi %[[OW_END]], %c3 : index
// CHECK: %[[COLS:.*]] = arith.subi %[[OW_STOP]], %[[OW_START]] : index
// CHECK: linalg.index 1 : index
// CHECK: %[[ROWS:.*]] = arith.subi
// CHECK: %[[N:.*]] = arith.muli %[[ROWS]], %[[COLS]] : index
// CHECK: %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[COUNT:.*]] = arith.sitofp %[[N64]] : i64 to f32
// CHECK: arith.divf %{{.*}}, %[[COUNT]] : f32
func.func @avg_pool_same(%x: tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32> {
  %0 = sf.avg_pool %x ksize [2, 2] strides [1, 1] padding [0, 1, 0, 1] : tensor<1x3x3x1xf32> -> tensor<1x3x3x1xf32>
  return %0 : tensor<1x3x3x1xf32>
}
