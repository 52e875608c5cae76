// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @select_branch
// CHECK: %[[R:.*]] = sf.if %{{.*}} : tensor<i1> -> tensor<2xf32> {
// CHECK-NEXT: sf.yield %{{.*}} : tensor<2xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: sf.add
// CHECK-NEXT: sf.yield
// CHECK: return %[[R]]
func.func @select_branch(%p: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = sf.if %p : tensor<i1> -> tensor<2xf32> {
    sf.yield %x : tensor<2xf32>
  } else {
    %d = sf.add %x, %x : tensor<2xf32>
    sf.yield %d : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// An sf.if without results needs no else region and no explicit yield.
// CHECK-LABEL: func.func @side_effect_only
// CHECK: sf.if %{{.*}} : tensor<i1> {
// CHECK-NEXT: sf.print
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @side_effect_only(%p: tensor<i1>, %x: tensor<2xf32>) {
  sf.if %p : tensor<i1> {
    sf.print %x {message = "x"} : tensor<2xf32>
  }
  return
}

// CHECK-LABEL: func.func @count
// CHECK: sf.while (%{{.*}}, %{{.*}}) : (tensor<i32>, tensor<3xf32>) -> (tensor<i32>, tensor<3xf32>) {
// CHECK: ^bb0(%[[I:.*]]: tensor<i32>, %[[A:.*]]: tensor<3xf32>):
// CHECK: sf.condition(%{{.*}} : tensor<i1>) %[[I]], %[[A]] : tensor<i32>, tensor<3xf32>
// CHECK: } do {
// CHECK: sf.yield %{{.*}}, %{{.*}} : tensor<i32>, tensor<3xf32>
func.func @count(%n: tensor<i32>, %a: tensor<3xf32>, %p: tensor<i1>) -> tensor<3xf32> {
  %one = sf.constant dense<1> : tensor<i32>
  %r:2 = sf.while (%n, %a) : (tensor<i32>, tensor<3xf32>) -> (tensor<i32>, tensor<3xf32>) {
  ^bb0(%i: tensor<i32>, %acc: tensor<3xf32>):
    sf.condition(%p : tensor<i1>) %i, %acc : tensor<i32>, tensor<3xf32>
  } do {
  ^bb0(%i: tensor<i32>, %acc: tensor<3xf32>):
    %next = sf.add %i, %one : tensor<i32>
    %sum = sf.add %acc, %acc : tensor<3xf32>
    sf.yield %next, %sum : tensor<i32>, tensor<3xf32>
  }
  return %r#1 : tensor<3xf32>
}
