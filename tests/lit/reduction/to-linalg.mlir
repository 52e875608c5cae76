// RUN: sf-opt %s --sf-to-linalg --canonicalize | FileCheck %s

// One generic with a reduction iterator accumulating into a filled init.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEEP02:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @sum
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0 : tensor<?x8x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<?x3xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[KEEP02]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0 : tensor<?x8x3xf32>) outs(%[[F]] : tensor<?x3xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[S:.*]] = arith.addf %[[IN]], %[[ACC]] : f32
// CHECK: linalg.yield %[[S]] : f32
func.func @sum(%x: tensor<?x8x3xf32>) -> tensor<?x3xf32> {
  %0 = sf.reduce_sum %x axes [1] : tensor<?x8x3xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// keepdims re-inserts the reduced dims with tensor.expand_shape.
// CHECK-LABEL: func.func @max_keepdims
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2]] output_shape [1, 8, 1] : tensor<8xf32> into tensor<1x8x1xf32>
func.func @max_keepdims(%x: tensor<?x8x3xf32>) -> tensor<1x8x1xf32> {
  %0 = sf.reduce_max %x axes [0, -1] {keepdims = true} : tensor<?x8x3xf32> -> tensor<1x8x1xf32>
  return %0 : tensor<1x8x1xf32>
}

// The mean divides the sum by the element count, read with tensor.dim when
// dynamic; f16 accumulates in f32 and is truncated at the end.
// CHECK-LABEL: func.func @mean_f16
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<?x8xf16>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c0 : tensor<?x8xf16>
// CHECK: %[[N:.*]] = arith.index_cast %[[DIM]] : index to i64
// CHECK: %[[NF:.*]] = arith.sitofp %[[N]] : i64 to f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<8xf32>) outs(%{{.*}} : tensor<8xf16>)
// CHECK: %[[Q:.*]] = arith.divf %{{.*}}, %[[NF]] : f32
// CHECK: arith.truncf %[[Q]] : f32 to f16
func.func @mean_f16(%x: tensor<?x8xf16>) -> tensor<8xf16> {
  %0 = sf.reduce_mean %x axes [0] : tensor<?x8xf16> -> tensor<8xf16>
  return %0 : tensor<8xf16>
}

// Unsigned integers use unsigned min/div; their identities are 0 and 255.
// CHECK-LABEL: func.func @unsigned
// CHECK-DAG: %[[MAXU:.*]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[MAXU]] : i8)
// CHECK: arith.minui
// CHECK: arith.divui
func.func @unsigned(%x: tensor<4x5xui8>) -> (tensor<4xui8>, tensor<4xui8>) {
  %0 = sf.reduce_min %x axes [1] : tensor<4x5xui8> -> tensor<4xui8>
  %1 = sf.reduce_mean %x axes [1] : tensor<4x5xui8> -> tensor<4xui8>
  return %0, %1 : tensor<4xui8>, tensor<4xui8>
}

// CHECK-LABEL: func.func @booleans
// CHECK-DAG: %[[FALSE:.*]] = arith.constant false
// CHECK-DAG: %[[TRUE:.*]] = arith.constant true
// CHECK: linalg.fill ins(%[[FALSE]] : i1)
// CHECK: arith.ori
// CHECK: linalg.fill ins(%[[TRUE]] : i1)
// CHECK: arith.andi
func.func @booleans(%x: tensor<4x5xi1>) -> (tensor<5xi1>, tensor<5xi1>) {
  %0 = sf.reduce_any %x axes [0] : tensor<4x5xi1> -> tensor<5xi1>
  %1 = sf.reduce_all %x axes [0] : tensor<4x5xi1> -> tensor<5xi1>
  return %0, %1 : tensor<5xi1>, tensor<5xi1>
}

// argmax carries (value, index); a strictly greater value or the first NaN
// replaces the best so far, so ties keep the first index.
// CHECK-LABEL: func.func @argmax
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<?x7xf32>) outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xi32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[BEST:.*]]: f32, %[[BEST_I:.*]]: i32):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[X]], %[[BEST]] : f32
// CHECK: %[[ORD:.*]] = arith.cmpf ord, %[[BEST]], %[[BEST]] : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[NAN_WINS:.*]] = arith.andi %[[NAN]], %[[ORD]] : i1
// CHECK: %[[BETTER:.*]] = arith.ori %[[GT]], %[[NAN_WINS]] : i1
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I32:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: %[[V:.*]] = arith.select %[[BETTER]], %[[X]], %[[BEST]] : f32
// CHECK: %[[J:.*]] = arith.select %[[BETTER]], %[[I32]], %[[BEST_I]] : i32
// CHECK: linalg.yield %[[V]], %[[J]] : f32, i32
// CHECK: return %[[R]]#1
func.func @argmax(%x: tensor<?x7xf32>) -> tensor<?xi32> {
  %0 = sf.argmax %x axis 1 : tensor<?x7xf32> -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// CHECK-LABEL: func.func @argmin_signed
// CHECK: %[[MAX:.*]] = arith.constant 2147483647 : i32
// CHECK: linalg.fill ins(%[[MAX]] : i32)
// CHECK: arith.cmpi slt
func.func @argmin_signed(%x: tensor<5x7xi32>) -> tensor<7xi64> {
  %0 = sf.argmin %x axis 0 : tensor<5x7xi32> -> tensor<7xi64>
  return %0 : tensor<7xi64>
}
