// RUN: sf-opt %s --sf-cpu-parallelize=min-parallel-work=0 | FileCheck %s
// RUN: sf-opt %s --sf-cpu-parallelize=sequential=1 | FileCheck %s --check-prefix=SEQ
// RUN: sf-opt %s --sf-cpu-parallelize | FileCheck %s --check-prefix=WORK

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

// By default a nest stays on one thread unless its estimated work (scalar
// operations; vector ops count their lanes; trip counts multiply, a partial
// tile's affine.min counting its full extent) reaches 2^22.
// WORK-LABEL: func.func @by_work
// WORK: scf.for
// WORK: scf.parallel
// WORK-NOT: scf.parallel
func.func @by_work(%m: memref<4096x4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c4096 = arith.constant 4096 : index
  %one = arith.constant 1.0 : f32
  %v = arith.constant dense<1.0> : vector<16xf32>
  // 64 x 64 stores: small
  scf.forall (%i) in (64) {
    scf.for %j = %c0 to %c4096 step %c64 {
      memref.store %one, %m[%i, %j] : memref<4096x4096xf32>
    }
  }
  // 4096 rows in tiles of 18: 228 tiles x 18 rows x 256 vectors of 16 lanes
  scf.forall (%i) = (0) to (4096) step (18) {
    %rows = affine.min affine_map<(d0) -> (-d0 + 4096, 18)>(%i)
    scf.for %r = %c0 to %rows step %c1 {
      scf.for %j = %c0 to %c4096 step %c16 {
        %row = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%i, %r)
        vector.store %v, %m[%row, %j] : memref<4096x4096xf32>, vector<16xf32>
      }
    }
  }
  return
}
