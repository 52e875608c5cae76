// RUN: sf-opt %s --sf-to-linalg | FileCheck %s

// Variables become the caller's memrefs; public tensor arguments become
// read-only for bufferization.
// CHECK-LABEL: func.func @update
// CHECK-SAME: (%[[V:.*]]: memref<2xf32>, %[[X:.*]]: tensor<2xf32> {bufferization.writable = false})
// A read copies the buffer into a fresh one (a snapshot):
// CHECK: %[[COPY:.*]] = memref.alloc() : memref<2xf32>
// CHECK-NEXT: memref.copy %[[V]], %[[COPY]]
// CHECK-NEXT: %[[OLD:.*]] = bufferization.to_tensor %[[COPY]] restrict : memref<2xf32> to tensor<2xf32>
// An assign stores into the variable's buffer:
// CHECK-NEXT: bufferization.materialize_in_destination %[[X]] in restrict writable %[[V]] : (tensor<2xf32>, memref<2xf32>) -> ()
// assign_add: snapshot, add, store.
// CHECK-NEXT: %[[CUR:.*]] = memref.alloc() : memref<2xf32>
// CHECK-NEXT: memref.copy %[[V]], %[[CUR]]
// CHECK-NEXT: %[[CURT:.*]] = bufferization.to_tensor %[[CUR]] restrict
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[CURT]], %[[OLD]] :
// CHECK: arith.addf
// CHECK: bufferization.materialize_in_destination %[[SUM]] in restrict writable %[[V]]
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: bufferization.materialize_in_destination
// CHECK: return %[[OLD]]
func.func @update(%v: !sf.variable<tensor<2xf32>>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = sf.read %v : !sf.variable<tensor<2xf32>>
  sf.assign %v, %x : !sf.variable<tensor<2xf32>>
  sf.assign_add %v, %r : !sf.variable<tensor<2xf32>>
  sf.assign_sub %v, %x : !sf.variable<tensor<2xf32>>
  return %r : tensor<2xf32>
}

// Dynamic dims of the snapshot come from the variable's buffer; ui8 is i8.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[V:.*]]: memref<?x3xi8>)
// CHECK: %[[D:.*]] = memref.dim %[[V]], %c0
// CHECK-NEXT: memref.alloc(%[[D]]) : memref<?x3xi8>
func.func @dynamic(%v: !sf.variable<tensor<?x3xui8>>) -> tensor<?x3xui8> {
  %r = sf.read %v : !sf.variable<tensor<?x3xui8>>
  return %r : tensor<?x3xui8>
}
