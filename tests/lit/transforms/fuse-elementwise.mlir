// RUN: sf-opt %s --sf-fuse-elementwise | FileCheck %s
// RUN: sf-opt %s --linalg-fuse-elementwise-ops | FileCheck %s --check-prefix=UPSTREAM

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// x + b feeds relu and, later, the backward mask: fused into both loop
// nests (recomputed), no temporary left. Upstream fuses only single users.
// CHECK-LABEL: func.func @bias_relu_mask
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%arg0, %arg1 : {{.*}})
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.maximumf
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%arg2, %arg0, %arg1 : {{.*}})
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.cmpf ogt
// CHECK-NEXT: arith.uitofp
// CHECK-NEXT: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]], %[[D]]
// UPSTREAM-LABEL: func.func @bias_relu_mask
// UPSTREAM-COUNT-3: linalg.generic
// UPSTREAM-NOT: linalg.generic
func.func @bias_relu_mask(%x: tensor<4x8xf32>, %b: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.addf %in, %in_1 : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %ei = tensor.empty() : tensor<4x8xi1>
  %gt = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%ei : tensor<4x8xi1>) {
  ^bb0(%in: f32, %out: i1):
    %c = arith.cmpf ogt, %in, %zero : f32
    linalg.yield %c : i1
  } -> tensor<4x8xi1>
  %mf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%gt : tensor<4x8xi1>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i1, %out: f32):
    %f = arith.uitofp %in : i1 to f32
    linalg.yield %f : f32
  } -> tensor<4x8xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %mf : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %p = arith.mulf %in, %in_1 : f32
    linalg.yield %p : f32
  } -> tensor<4x8xf32>
  return %r, %d : tensor<4x8xf32>, tensor<4x8xf32>
}

// exp is stored once, not recomputed in each of its two users.
// CHECK-LABEL: func.func @exp_twice
// UPSTREAM-LABEL: func.func @exp_twice
// CHECK: %[[E:.*]] = linalg.generic {{.*}} ins(%arg0 : {{.*}})
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.exp
// CHECK-NEXT: linalg.yield
// CHECK-COUNT-2: ins(%[[E]] : tensor<4x8xf32>)
func.func @exp_twice(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %ex = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%ex : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%ex : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %n, %t : tensor<4x8xf32>, tensor<4x8xf32>
}

// A reduction reads the sum before the elementwise user: the fused op
// would sit after it, so the sum stays one stored value.
// CHECK-LABEL: func.func @reduced_first
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%arg0, %arg1 : {{.*}})
// CHECK: ins(%[[S]] : tensor<4x8xf32>) outs({{.*}} : tensor<4xf32>)
// CHECK: ins(%[[S]] : tensor<4x8xf32>) outs({{.*}} : tensor<4x8xf32>)
func.func @reduced_first(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %acc: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %v = arith.addf %in, %in_1 : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %red = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%s : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<4xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %red, %n : tensor<4xf32>, tensor<4x8xf32>
}

// A reshape stays a reshape before a matmul: folded in, it would turn the
// matmul into a generic contraction (no GEMM kernel, no packed schedule).
// CHECK-LABEL: func.func @reshape_into_matmul
// CHECK: tensor.collapse_shape
// CHECK: linalg.matmul
// CHECK-NOT: linalg.generic
func.func @reshape_into_matmul(%x: tensor<2x3x8xf32>, %w: tensor<8x4xf32>) -> tensor<6x4xf32> {
  %zero = arith.constant 0.0 : f32
  %a = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x8xf32> into tensor<6x8xf32>
  %e = tensor.empty() : tensor<6x4xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<6x4xf32>) -> tensor<6x4xf32>
  %r = linalg.matmul ins(%a, %w : tensor<6x8xf32>, tensor<8x4xf32>) outs(%c : tensor<6x4xf32>) -> tensor<6x4xf32>
  return %r : tensor<6x4xf32>
}
