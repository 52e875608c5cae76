// RUN: sf-opt %s --canonicalize | FileCheck %s

// A constant condition inlines the branch it selects.
// CHECK-LABEL: func.func @constant_true
// CHECK-NOT: sf.if
// CHECK: %[[D:.*]] = sf.add %arg0, %arg0
// CHECK: return %[[D]]
func.func @constant_true(%x: tensor<2xf32>) -> tensor<2xf32> {
  %t = sf.constant dense<true> : tensor<i1>
  %r = sf.if %t : tensor<i1> -> tensor<2xf32> {
    %d = sf.add %x, %x : tensor<2xf32>
    sf.yield %d : tensor<2xf32>
  } else {
    sf.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// CHECK-LABEL: func.func @constant_false
// CHECK-NOT: sf.if
// CHECK-NOT: sf.add
// CHECK: return %arg0
func.func @constant_false(%x: tensor<2xf32>) -> tensor<2xf32> {
  %f = arith.constant dense<false> : tensor<i1>
  %r = sf.if %f : tensor<i1> -> tensor<2xf32> {
    %d = sf.add %x, %x : tensor<2xf32>
    sf.yield %d : tensor<2xf32>
  } else {
    sf.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// A false condition without an else region removes the op, side effects
// included (they never run).
// CHECK-LABEL: func.func @constant_false_no_else
// CHECK-NOT: sf.if
// CHECK-NOT: sf.print
// CHECK: return
func.func @constant_false_no_else(%x: tensor<2xf32>) {
  %f = sf.constant dense<false> : tensor<i1>
  sf.if %f : tensor<i1> {
    sf.print %x : tensor<2xf32>
  }
  return
}

// A result-less sf.if with side effects is kept when the condition is unknown.
// CHECK-LABEL: func.func @kept
// CHECK: sf.if
// CHECK: sf.print
func.func @kept(%p: tensor<i1>, %x: tensor<2xf32>) {
  sf.if %p : tensor<i1> {
    sf.print %x : tensor<2xf32>
  }
  return
}
