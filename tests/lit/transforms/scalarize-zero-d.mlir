// RUN: sf-opt %s --pass-pipeline="builtin.module(func.func(sf-scalarize-zero-d),canonicalize)" | FileCheck %s

// A counted loop: the 0-d counter is carried as an i32, its increment and
// the loop test are scalar arith; the 2x3 tensor stays a tensor.
// CHECK-LABEL: func.func @counted
// CHECK: %[[R:.*]]:2 = scf.while (%[[I:.*]] = %{{.*}}, %{{.*}} = %{{.*}}) : (i32, tensor<2x3xf32>) -> (i32, tensor<2x3xf32>)
// CHECK: %[[C:.*]] = arith.cmpi slt, %[[I]]
// CHECK: scf.condition(%[[C]]) %[[I]], %{{.*}} : i32, tensor<2x3xf32>
// CHECK: ^bb0(%[[J:.*]]: i32, %{{.*}}: tensor<2x3xf32>):
// CHECK: %[[N:.*]] = arith.addi %[[J]]
// CHECK: linalg.generic
// CHECK: scf.yield %[[N]], %{{.*}} : i32, tensor<2x3xf32>
// CHECK-NOT: tensor<i32>
// CHECK: return %[[R]]#1
#scalar = affine_map<() -> ()>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @counted(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant dense<0> : tensor<i32>
  %r:2 = scf.while (%i = %zero, %v = %x) : (tensor<i32>, tensor<2x3xf32>) -> (tensor<i32>, tensor<2x3xf32>) {
    %e = tensor.empty() : tensor<i1>
    %less = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}
        ins(%i : tensor<i32>) outs(%e : tensor<i1>) {
    ^bb0(%a: i32, %o: i1):
      %c100 = arith.constant 100 : i32
      %b = arith.cmpi slt, %a, %c100 : i32
      linalg.yield %b : i1
    } -> tensor<i1>
    %c = tensor.extract %less[] : tensor<i1>
    scf.condition(%c) %i, %v : tensor<i32>, tensor<2x3xf32>
  } do {
  ^bb0(%i: tensor<i32>, %v: tensor<2x3xf32>):
    %e = tensor.empty() : tensor<i32>
    %next = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []}
        ins(%i : tensor<i32>) outs(%e : tensor<i32>) {
    ^bb0(%a: i32, %o: i32):
      %c1 = arith.constant 1 : i32
      %n = arith.addi %a, %c1 : i32
      linalg.yield %n : i32
    } -> tensor<i32>
    %w = tensor.empty() : tensor<2x3xf32>
    %twice = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%v : tensor<2x3xf32>) outs(%w : tensor<2x3xf32>) {
    ^bb0(%a: f32, %o: f32):
      %d = arith.addf %a, %a : f32
      linalg.yield %d : f32
    } -> tensor<2x3xf32>
    scf.yield %next, %twice : tensor<i32>, tensor<2x3xf32>
  }
  return %r#1 : tensor<2x3xf32>
}

// An if yielding 0-d tensors yields scalars.
// CHECK-LABEL: func.func @choose
// CHECK: %[[R:.*]] = scf.if %{{.*}} -> (f32)
// CHECK: scf.yield %{{.*}} : f32
// CHECK: scf.yield %{{.*}} : f32
// CHECK: tensor.from_elements %[[R]] : tensor<f32>
func.func @choose(%c: i1, %a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %r = scf.if %c -> (tensor<f32>) {
    scf.yield %a : tensor<f32>
  } else {
    scf.yield %b : tensor<f32>
  }
  return %r : tensor<f32>
}
