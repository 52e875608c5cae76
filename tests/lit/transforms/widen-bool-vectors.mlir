// Vectorized bool accesses: the same access on i8 with extui/trunci; the
// mask stays i1.
// RUN: sf-opt %s -sf-widen-bool-memrefs | FileCheck %s
// RUN: sf-opt %s -sf-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @less8
// CHECK-SAME: %[[O:[a-z0-9]+]]: memref<?xi8>
// CHECK: %[[LT:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: %[[W:.*]] = arith.extui %[[LT]] : vector<8xi1> to vector<8xi8>
// CHECK: vector.transfer_write %[[W]], %[[O]][%{{.*}}], %{{.*}} {in_bounds = [true]} : vector<8xi8>, memref<?xi8>
// CHECK: %[[R:.*]] = vector.load %[[O]][%{{.*}}] : memref<?xi8>, vector<8xi8>
// CHECK: arith.trunci %[[R]] : vector<8xi8> to vector<8xi1>
// LLVM-LABEL: llvm.func @less8
func.func @less8(%a: vector<8xf32>, %b: vector<8xf32>, %m: vector<8xi1>, %out: memref<?xi1>) -> vector<8xi1> {
  %c0 = arith.constant 0 : index
  %lt = arith.cmpf olt, %a, %b : vector<8xf32>
  vector.transfer_write %lt, %out[%c0], %m {in_bounds = [true]} : vector<8xi1>, memref<?xi1>
  %r = vector.load %out[%c0] : memref<?xi1>, vector<8xi1>
  return %r : vector<8xi1>
}
