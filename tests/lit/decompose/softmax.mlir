// RUN: sf-opt %s --sf-decompose | FileCheck %s

// softmax = exp(x - max) / sum(exp(x - max)), reductions along the axis kept
// as size 1 and broadcast back to x's (here dynamic) shape.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[MAX:.*]] = sf.reduce_max %[[X]] axes [1] {keepdims = true} : tensor<?x10xf32> -> tensor<?x1xf32>
// CHECK: %[[SHAPE:.*]] = sf.shape %[[X]] : tensor<?x10xf32>
// CHECK: %[[MAXB:.*]] = sf.broadcast_to %[[MAX]], %[[SHAPE]] : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x10xf32>
// CHECK: %[[D:.*]] = sf.sub %[[X]], %[[MAXB]] : tensor<?x10xf32>
// CHECK: %[[E:.*]] = sf.exp %[[D]] : tensor<?x10xf32>
// CHECK: %[[SUM:.*]] = sf.reduce_sum %[[E]] axes [1] {keepdims = true} : tensor<?x10xf32> -> tensor<?x1xf32>
// CHECK: %[[SHAPE2:.*]] = sf.shape %[[X]] : tensor<?x10xf32>
// CHECK: %[[SUMB:.*]] = sf.broadcast_to %[[SUM]], %[[SHAPE2]] : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x10xf32>
// CHECK: %[[Y:.*]] = sf.div %[[E]], %[[SUMB]] : tensor<?x10xf32>
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = sf.softmax %x axis -1 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// log_softmax = (x - max) - log(sum(exp(x - max))).
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[MAX:.*]] = sf.reduce_max %arg0 axes [0] {keepdims = true} : tensor<4x3xf16> -> tensor<1x3xf16>
// CHECK: %[[D:.*]] = sf.sub %arg0, %{{.*}} : tensor<4x3xf16>
// CHECK: %[[E:.*]] = sf.exp %[[D]] : tensor<4x3xf16>
// CHECK: %[[SUM:.*]] = sf.reduce_sum %[[E]] axes [0] {keepdims = true} : tensor<4x3xf16> -> tensor<1x3xf16>
// CHECK: %[[LOG:.*]] = sf.log %[[SUM]] : tensor<1x3xf16>
// CHECK: %[[LOGB:.*]] = sf.broadcast_to %[[LOG]], %{{.*}} : (tensor<1x3xf16>, tensor<2xi64>) -> tensor<4x3xf16>
// CHECK: %[[Y:.*]] = sf.sub %[[D]], %[[LOGB]] : tensor<4x3xf16>
// CHECK: return %[[Y]]
func.func @log_softmax(%x: tensor<4x3xf16>) -> tensor<4x3xf16> {
  %0 = sf.log_softmax %x axis 0 : tensor<4x3xf16>
  return %0 : tensor<4x3xf16>
}

// Nothing composite is left for sf-to-linalg.
// CHECK-NOT: sf.softmax
// CHECK-NOT: sf.log_softmax
