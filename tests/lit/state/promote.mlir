// RUN: sf-opt %s --sf-promote-variables | FileCheck %s

// Reads see the last value assigned before them; written variables' final
// values are returned after the results, in argument order.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[V:.*]]: tensor<2xf32>, %[[G:.*]]: tensor<2xf32>, %[[W:.*]]: tensor<2xf32>, %[[U:.*]]: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK-SAME: attributes {sf.returns_variables = array<i64: 0, 3>}
// CHECK-NEXT: %[[NEW:.*]] = sf.sub %[[V]], %[[G]]
// CHECK-NEXT: %[[MUL:.*]] = sf.mul %[[NEW]], %[[W]]
// CHECK-NEXT: %[[ADDED:.*]] = sf.add %[[NEW]], %[[MUL]]
// CHECK-NEXT: return %[[V]], %[[MUL]], %[[ADDED]], %[[G]]
func.func @step(%v: !sf.variable<tensor<2xf32>>, %g: tensor<2xf32>,
                %w: !sf.variable<tensor<2xf32>>, %u: !sf.variable<tensor<2xf32>>)
    -> (tensor<2xf32>, tensor<2xf32>) {
  %old = sf.read %v : !sf.variable<tensor<2xf32>>
  sf.assign_sub %v, %g : !sf.variable<tensor<2xf32>>
  %new = sf.read %v : !sf.variable<tensor<2xf32>>
  %wv = sf.read %w : !sf.variable<tensor<2xf32>>
  %m = sf.mul %new, %wv : tensor<2xf32>
  sf.assign_add %v, %m : !sf.variable<tensor<2xf32>>
  sf.assign %u, %g : !sf.variable<tensor<2xf32>>
  return %old, %m : tensor<2xf32>, tensor<2xf32>
}

// State ops in a nested region: left in place.
// CHECK-LABEL: func.func @nested
// CHECK-SAME: !sf.variable<tensor<f32>>
// CHECK-NOT: sf.returns_variables
// CHECK: sf.assign
func.func @nested(%v: !sf.variable<tensor<f32>>, %c: tensor<i1>, %x: tensor<f32>) {
  sf.if %c : tensor<i1> {
    sf.assign %v, %x : !sf.variable<tensor<f32>>
  }
  return
}
