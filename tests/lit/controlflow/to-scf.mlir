// RUN: sf-opt %s --sf-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @branch
// CHECK: %[[C:.*]] = tensor.extract %arg0[] : tensor<i1>
// CHECK: %[[R:.*]] = scf.if %[[C]] -> (tensor<2xf32>) {
// CHECK-NEXT: scf.yield %arg1 : tensor<2xf32>
// CHECK-NEXT: } else {
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: scf.yield
// CHECK: return %[[R]]
func.func @branch(%p: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = sf.if %p : tensor<i1> -> tensor<2xf32> {
    sf.yield %x : tensor<2xf32>
  } else {
    %d = sf.add %x, %x : tensor<2xf32>
    sf.yield %d : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// Region arguments are converted too (ui8 -> i8); the condition is read
// from its tensor inside the before region.
// CHECK-LABEL: func.func @loop
// CHECK: %[[R:.*]] = scf.while (%[[I:.*]] = %arg0) : (tensor<4xi8>) -> tensor<4xi8> {
// CHECK-NEXT: %[[C:.*]] = tensor.extract %arg1[] : tensor<i1>
// CHECK-NEXT: scf.condition(%[[C]]) %[[I]] : tensor<4xi8>
// CHECK-NEXT: } do {
// CHECK-NEXT: ^bb0(%[[J:.*]]: tensor<4xi8>):
// CHECK: linalg.generic {{.*}} ins(%[[J]], %[[J]] : tensor<4xi8>, tensor<4xi8>)
// CHECK: arith.addi
// CHECK: scf.yield %{{.*}} : tensor<4xi8>
// CHECK-NOT: sf.
func.func @loop(%x: tensor<4xui8>, %p: tensor<i1>) -> tensor<4xui8> {
  %r = sf.while (%x) : (tensor<4xui8>) -> tensor<4xui8> {
  ^bb0(%i: tensor<4xui8>):
    sf.condition(%p : tensor<i1>) %i : tensor<4xui8>
  } do {
  ^bb0(%i: tensor<4xui8>):
    %d = sf.add %i, %i : tensor<4xui8>
    sf.yield %d : tensor<4xui8>
  }
  return %r : tensor<4xui8>
}

// Nested sf ops in every region convert: the comparison computing the
// condition, and an sf.if inside the loop body.
// CHECK-LABEL: func.func @nested
// CHECK: scf.while
// CHECK: linalg.generic
// CHECK: arith.cmpi slt
// CHECK: %[[C:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK-NEXT: scf.condition(%[[C]])
// CHECK: } do {
// CHECK: scf.if
// CHECK: scf.yield
// CHECK-NOT: sf.
// CHECK: return
func.func @nested(%n: tensor<i32>, %limit: tensor<i32>, %p: tensor<i1>) -> tensor<i32> {
  %r = sf.while (%n) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    %c = sf.less %i, %limit : tensor<i32>
    sf.condition(%c : tensor<i1>) %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    %next = sf.if %p : tensor<i1> -> tensor<i32> {
      %d = sf.add %i, %i : tensor<i32>
      sf.yield %d : tensor<i32>
    } else {
      %one = sf.constant dense<1> : tensor<i32>
      %s = sf.add %i, %one : tensor<i32>
      sf.yield %s : tensor<i32>
    }
    sf.yield %next : tensor<i32>
  }
  return %r : tensor<i32>
}
