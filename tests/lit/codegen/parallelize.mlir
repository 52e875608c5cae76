// RUN: sf-opt %s --sf-cpu-parallelize | FileCheck %s
// RUN: sf-opt %s --sf-cpu-parallelize=sequential=1 | FileCheck %s --check-prefix=SEQ

// Only the outermost forall becomes scf.parallel (later: async tasks); the
// nested one runs sequentially inside each task.
// CHECK-LABEL: func.func @nested
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK-NOT: scf.forall
// SEQ-LABEL: func.func @nested
// SEQ-NOT: scf.parallel
// SEQ: scf.for
// SEQ: scf.for
func.func @nested(%m: memref<8x8xf32>) {
  %one = arith.constant 1.0 : f32
  scf.forall (%i) in (8) {
    scf.forall (%j) in (8) {
      memref.store %one, %m[%i, %j] : memref<8x8xf32>
    }
  }
  return
}
