// i1 buffers become i8 after bufferization; loads truncate, stores extend.
// RUN: sf-opt %s -sf-widen-bool-memrefs | FileCheck %s
// And the whole CPU pipeline no longer aborts on bool results.
// RUN: sf-opt %s -sf-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: memref.global "private" constant @bools : memref<2xi8> = dense<[1, 0]>
memref.global "private" constant @bools : memref<2xi1> = dense<[true, false]>

// CHECK-LABEL: func.func @less
// CHECK-SAME: (%[[A:.*]]: memref<?xf32>, %[[B:.*]]: memref<?xf32>, %[[O:.*]]: memref<?xi8>)
// CHECK: %[[LT:.*]] = arith.cmpf olt
// CHECK: %[[W:.*]] = arith.extui %[[LT]] : i1 to i8
// CHECK: memref.store %[[W]], %[[O]]
// LLVM-LABEL: llvm.func @less
func.func @less(%a: memref<?xf32>, %b: memref<?xf32>, %out: memref<?xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %a[%i] : memref<?xf32>
    %y = memref.load %b[%i] : memref<?xf32>
    %lt = arith.cmpf olt, %x, %y : f32
    memref.store %lt, %out[%i] : memref<?xi1>
  }
  return
}

// CHECK-LABEL: func.func @roundtrip
// CHECK: %[[M:.*]] = memref.alloc() : memref<2xi8>
// CHECK: %[[G:.*]] = memref.get_global @bools : memref<2xi8>
// CHECK: memref.copy %[[G]], %[[M]] : memref<2xi8> to memref<2xi8>
// CHECK: %[[V:.*]] = memref.load %[[M]]
// CHECK: arith.trunci %[[V]] : i8 to i1
// CHECK: return %[[M]], %{{.*}} : memref<2xi8>, i1
func.func @roundtrip() -> (memref<2xi1>, i1) {
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<2xi1>
  %g = memref.get_global @bools : memref<2xi1>
  memref.copy %g, %m : memref<2xi1> to memref<2xi1>
  %v = memref.load %m[%c0] : memref<2xi1>
  return %m, %v : memref<2xi1>, i1
}
