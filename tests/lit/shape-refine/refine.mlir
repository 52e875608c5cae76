// RUN: sf-opt %s --sf-shape-refine | FileCheck %s

// A chain on a dynamic view of a static tensor becomes static; the return
// keeps the function's type through one tensor.cast.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[A:.*]] = sf.add %arg0, %arg0 : tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = sf.add %[[A]], %[[A]] : tensor<4xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[B]] : tensor<4xf32> to tensor<?xf32>
// CHECK-NEXT: return %[[C]] : tensor<?xf32>
func.func @chain(%x: tensor<4xf32>) -> tensor<?xf32> {
  %d = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  %a = sf.add %d, %d : tensor<?xf32>
  %b = sf.add %a, %a : tensor<?xf32>
  return %b : tensor<?xf32>
}

// Operands of one op share one type: a still-dynamic operand is cast up to
// the static shape the other operand proves; dims are refined one by one.
// CHECK-LABEL: func.func @mixed
// CHECK-NEXT: %[[Y:.*]] = tensor.cast %arg1 : tensor<?x?xf32> to tensor<4x?xf32>
// CHECK-NEXT: %[[A:.*]] = sf.add %arg0, %[[Y]] : tensor<4x?xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[A]] : tensor<4x?xf32> to tensor<?x?xf32>
// CHECK-NEXT: return %[[C]]
func.func @mixed(%x: tensor<4x?xf32>, %y: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %d = tensor.cast %x : tensor<4x?xf32> to tensor<?x?xf32>
  %a = sf.add %d, %y : tensor<?x?xf32>
  return %a : tensor<?x?xf32>
}

// Uses that keep the old type (sf.yield, non-sf ops) share one cast back;
// sf ops inside regions are refined too.
// CHECK-LABEL: func.func @users
// CHECK: %[[A:.*]] = sf.add %arg1, %arg1 : tensor<3xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[A]] : tensor<3xf32> to tensor<?xf32>
// CHECK-NEXT: sf.if %arg0 : tensor<i1> -> tensor<?xf32> {
// CHECK-NEXT: %[[B:.*]] = sf.add %[[A]], %[[A]] : tensor<3xf32>
// CHECK-NEXT: %[[BC:.*]] = tensor.cast %[[B]] : tensor<3xf32> to tensor<?xf32>
// CHECK-NEXT: sf.yield %[[BC]] : tensor<?xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: sf.yield %[[C]] : tensor<?xf32>
// CHECK: tensor.dim %[[C]]
func.func @users(%p: tensor<i1>, %x: tensor<3xf32>) -> (tensor<?xf32>, index) {
  %d = tensor.cast %x : tensor<3xf32> to tensor<?xf32>
  %a = sf.add %d, %d : tensor<?xf32>
  %r = sf.if %p : tensor<i1> -> tensor<?xf32> {
    %b = sf.add %a, %a : tensor<?xf32>
    sf.yield %b : tensor<?xf32>
  } else {
    sf.yield %a : tensor<?xf32>
  }
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  return %r, %n : tensor<?xf32>, index
}

// Nothing static to learn: unchanged.
// CHECK-LABEL: func.func @unknown
// CHECK-NEXT: sf.add %arg0, %arg0 : tensor<?xf32>
// CHECK-NEXT: return
func.func @unknown(%x: tensor<?xf32>) -> tensor<?xf32> {
  %a = sf.add %x, %x : tensor<?xf32>
  return %a : tensor<?xf32>
}

// Variable reads infer their type from the variable; nothing to refine.
// CHECK-LABEL: func.func @read
// CHECK-NEXT: sf.read %arg0 : !sf.variable<tensor<?xf32>>
func.func @read(%v: !sf.variable<tensor<?xf32>>) -> tensor<?xf32> {
  %r = sf.read %v : !sf.variable<tensor<?xf32>>
  return %r : tensor<?xf32>
}

// Ops with type inference re-infer from the refined operands.
// CHECK-LABEL: func.func @infer
// CHECK-NEXT: %[[M:.*]] = sf.matmul %arg0, %arg1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[S:.*]] = sf.reduce_sum %[[M]] axes [1] : tensor<2x4xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[S]] : tensor<2xf32> to tensor<?xf32>
// CHECK-NEXT: return %[[C]]
func.func @infer(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<?xf32> {
  %da = tensor.cast %a : tensor<2x3xf32> to tensor<?x?xf32>
  %db = tensor.cast %b : tensor<3x4xf32> to tensor<?x?xf32>
  %m = sf.matmul %da, %db : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  %s = sf.reduce_sum %m axes [1] : tensor<?x?xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// Inference that would break another constraint of the op (here: both
// comparison operands of one type) is not applied.
// CHECK-LABEL: func.func @constrained
// CHECK-NEXT: %[[D:.*]] = tensor.cast %arg0 : tensor<4xf32> to tensor<?xf32>
// CHECK-NEXT: %[[L:.*]] = sf.less %[[D]], %arg1 : tensor<?xf32>
// CHECK-NEXT: %[[S:.*]] = sf.less %arg0, %arg0 : tensor<4xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[S]] : tensor<4xi1> to tensor<?xi1>
// CHECK-NEXT: return %[[L]], %[[C]]
func.func @constrained(%x: tensor<4xf32>, %y: tensor<?xf32>) -> (tensor<?xi1>, tensor<?xi1>) {
  %d = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  %l = sf.less %d, %y : tensor<?xf32>
  %s = sf.less %d, %d : tensor<?xf32>
  return %l, %s : tensor<?xi1>, tensor<?xi1>
}
