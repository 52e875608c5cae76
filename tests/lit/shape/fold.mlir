// Folders of shape ops.
// RUN: sf-opt %s -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @static_queries
// CHECK-DAG: sf.constant dense<3> : tensor<i64>
// CHECK-DAG: sf.constant dense<[2, 3]> : tensor<2xi64>
func.func @static_queries(%x: tensor<2x3xf32>) -> (tensor<i64>, tensor<2xi64>) {
  %0 = sf.dim %x[-1] : tensor<2x3xf32>
  %1 = sf.shape %x : tensor<2x3xf32>
  return %0, %1 : tensor<i64>, tensor<2xi64>
}

// CHECK-LABEL: func.func @no_ops
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<2xi64>, %[[V:.*]]: tensor<f32>)
// CHECK-NOT: sf.
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @no_ops(%x: tensor<2x3xf32>, %s: tensor<2xi64>, %v: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = sf.transpose %x {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %t = sf.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = sf.transpose %t {perm = array<i64: 1, 0>} : tensor<3x2xf32> -> tensor<2x3xf32>
  %2 = sf.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %3 = sf.broadcast_to %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %4 = sf.pad %x, %v {paddings = array<i64: 0, 0, 0, 0>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %5 = sf.concat %x {axis = 0} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = sf.reverse %x {axes = array<i64>} : tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<1xi64>, %[[S2:.*]]: tensor<2xi64>)
// CHECK: sf.transpose %[[X]] {perm = array<i64: 2, 1, 0>}
// CHECK: sf.reshape %[[X]], %[[S]]
func.func @compose(%x: tensor<2x3x4xf32>, %s: tensor<1xi64>, %s2: tensor<2xi64>) -> (tensor<4x3x2xf32>, tensor<24xf32>) {
  %a = sf.transpose %x {perm = array<i64: 1, 2, 0>} : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %b = sf.transpose %a {perm = array<i64: 1, 0, 2>} : tensor<3x4x2xf32> -> tensor<4x3x2xf32>
  %r = sf.reshape %x, %s2 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %f = sf.reshape %r, %s : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<24xf32>
  return %b, %f : tensor<4x3x2xf32>, tensor<24xf32>
}
