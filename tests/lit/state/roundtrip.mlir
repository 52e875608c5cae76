// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @update
// CHECK-SAME: (%[[V:.*]]: !sf.variable<tensor<2xf32>>, %[[X:.*]]: tensor<2xf32>)
// CHECK: %[[R:.*]] = sf.read %[[V]] : !sf.variable<tensor<2xf32>>
// CHECK: sf.assign %[[V]], %[[X]] : !sf.variable<tensor<2xf32>>
// CHECK: sf.assign_add %[[V]], %[[R]] : !sf.variable<tensor<2xf32>>
// CHECK: sf.assign_sub %[[V]], %[[X]] : !sf.variable<tensor<2xf32>>
// CHECK: sf.print %[[R]] {message = "old v ="} : tensor<2xf32>
// CHECK: sf.print %[[X]] : tensor<2xf32>
func.func @update(%v: !sf.variable<tensor<2xf32>>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = sf.read %v : !sf.variable<tensor<2xf32>>
  sf.assign %v, %x : !sf.variable<tensor<2xf32>>
  sf.assign_add %v, %r : !sf.variable<tensor<2xf32>>
  sf.assign_sub %v, %x : !sf.variable<tensor<2xf32>>
  sf.print %r {message = "old v ="} : tensor<2xf32>
  sf.print %x : tensor<2xf32>
  return %r : tensor<2xf32>
}

// Memory effects keep state ops in order and alive through upstream
// cleanups: neither the unused read's neighbours nor the prints go away.
// RUN: sf-opt %s --canonicalize --cse | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func.func @ordered
// KEEP: sf.read
// KEEP-NEXT: sf.assign
// KEEP-NEXT: sf.read
// KEEP-NEXT: sf.print
// KEEP-NEXT: sf.print
func.func @ordered(%v: !sf.variable<tensor<f32>>, %x: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %a = sf.read %v : !sf.variable<tensor<f32>>
  sf.assign %v, %x : !sf.variable<tensor<f32>>
  %b = sf.read %v : !sf.variable<tensor<f32>>
  sf.print %a : tensor<f32>
  sf.print %a : tensor<f32>
  return %a, %b : tensor<f32>, tensor<f32>
}
