// RUN: sf-opt %s --sf-to-linalg --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --canonicalize | FileCheck %s

// After bufferization a read is still a copy made before the assign, and
// the value returned is that copy, not the variable's buffer.
// CHECK-LABEL: func.func @snapshot
// CHECK-SAME: (%[[V:.*]]: memref<2xf32>, %[[X:.*]]: memref<2xf32>) -> memref<2xf32>
// CHECK: %[[OLD:.*]] = memref.alloc() : memref<2xf32>
// CHECK-NEXT: memref.copy %[[V]], %[[OLD]]
// CHECK-NEXT: memref.copy %[[X]], %[[V]]
// CHECK: return %[[OLD]]
func.func @snapshot(%v: !sf.variable<tensor<2xf32>>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %old = sf.read %v : !sf.variable<tensor<2xf32>>
  sf.assign %v, %x : !sf.variable<tensor<2xf32>>
  return %old : tensor<2xf32>
}

// A read-only argument is never the destination of an in-place write: the
// fill goes to a new buffer.
// CHECK-LABEL: func.func @fill
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>) -> memref<4xf32>
// CHECK: %[[NEW:.*]] = memref.alloc() {{.*}}: memref<4xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[NEW]] : memref<4xf32>)
// CHECK: return %[[NEW]]
func.func @fill(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 7.0 : f32
  %r = linalg.fill ins(%c : f32) outs(%a : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
