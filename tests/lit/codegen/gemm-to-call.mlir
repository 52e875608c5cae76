// RUN: sf-opt %s --sf-cpu-gemm-to-call | FileCheck %s
// RUN: sf-opt %s --sf-cpu-gemm-to-call="target=avx512 threads=2" | FileCheck %s --check-prefix=MT
// RUN: not sf-opt %s --sf-cpu-gemm-to-call=target=sse 2>&1 | FileCheck %s --check-prefix=BAD

// One declaration of the kernel; A . B with any strides, C row-contiguous,
// the number of threads and beta (C = A . B + beta C).
// CHECK: func.func private @sf_gemm_f32_avx2_st(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>, index, index)
// CHECK-NOT: func.func private @sf_gemm
// MT: func.func private @sf_gemm_f32_avx512_mt(
// BAD: unknown target 'sse'

// CHECK-LABEL: func.func @plain
// CHECK: %[[A:.*]] = memref.cast %arg0 : memref<128x784xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[B:.*]] = memref.cast %arg1 : memref<784x256xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[C:.*]] = memref.cast %arg2 : memref<128x256xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[BETA:.*]] = arith.constant 1 : index
// CHECK: call @sf_gemm_f32_avx2_st(%[[A]], %[[B]], %[[C]], %[[ONE]], %[[BETA]])
// CHECK-NOT: linalg.matmul
// MT-LABEL: func.func @plain
// MT: %[[TWO:.*]] = arith.constant 2 : index
// MT: call @sf_gemm_f32_avx512_mt(%{{.*}}, %{{.*}}, %{{.*}}, %[[TWO]], %{{.*}})
func.func @plain(%a: memref<128x784xf32>, %b: memref<784x256xf32>, %c: memref<128x256xf32>) {
  linalg.matmul ins(%a, %b : memref<128x784xf32>, memref<784x256xf32>) outs(%c : memref<128x256xf32>)
  return
}

// A zero fill of C just before (allocations and pure ops may sit between)
// folds into beta = 0; a fill of another buffer, or anything that may
// touch memory in between, does not.
// CHECK-LABEL: func.func @zero_filled
// CHECK-NOT: linalg.fill
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: call @sf_gemm_f32_avx2_st(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ZERO]])
// CHECK: memref.dealloc
// CHECK-LABEL: func.func @not_zero_filled
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2
// CHECK: %[[TEAM:.*]] = arith.constant 1 : index
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: call @sf_gemm_f32_avx2_st(%{{.*}}, %{{.*}}, %{{.*}}, %[[TEAM]], %[[ONE]])
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2
// CHECK: memref.store
// CHECK: %[[TEAM2:.*]] = arith.constant 1 : index
// CHECK: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK: call @sf_gemm_f32_avx2_st(%{{.*}}, %{{.*}}, %{{.*}}, %[[TEAM2]], %[[ONE2]])
func.func @zero_filled(%a: memref<128x784xf32>, %b: memref<784x256xf32>) -> memref<128x256xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<128x256xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<128x256xf32>)
  %other = memref.alloc() : memref<4xf32>
  linalg.matmul ins(%a, %b : memref<128x784xf32>, memref<784x256xf32>) outs(%c : memref<128x256xf32>)
  memref.dealloc %other : memref<4xf32>
  return %c : memref<128x256xf32>
}
func.func @not_zero_filled(%a: memref<128x784xf32>, %b: memref<784x256xf32>, %c: memref<128x256xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %i = arith.constant 0 : index
  linalg.fill ins(%one : f32) outs(%c : memref<128x256xf32>)
  linalg.matmul ins(%a, %b : memref<128x784xf32>, memref<784x256xf32>) outs(%c : memref<128x256xf32>)
  linalg.fill ins(%zero : f32) outs(%c : memref<128x256xf32>)
  memref.store %one, %c[%i, %i] : memref<128x256xf32>
  linalg.matmul ins(%a, %b : memref<128x784xf32>, memref<784x256xf32>) outs(%c : memref<128x256xf32>)
  return
}

// a.T @ b (the weight gradient): A is passed as a transposed view.
// CHECK-LABEL: func.func @transposed_a
// CHECK: %[[T:.*]] = memref.transpose %arg0 (d0, d1) -> (d1, d0)
// CHECK: %[[A:.*]] = memref.cast %[[T]]
// CHECK: call @sf_gemm_f32_avx2_st(%[[A]],
func.func @transposed_a(%a: memref<128x256xf32>, %b: memref<128x10xf32>, %c: memref<256x10xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : memref<128x256xf32>, memref<128x10xf32>) outs(%c : memref<256x10xf32>)
  return
}

// a @ b.T: B is passed as a transposed view.
// CHECK-LABEL: func.func @transposed_b
// CHECK: %[[T:.*]] = memref.transpose %arg1 (d0, d1) -> (d1, d0)
// CHECK: %[[B:.*]] = memref.cast %[[T]]
// CHECK: call @sf_gemm_f32_avx2_st(%{{.*}}, %[[B]],
func.func @transposed_b(%a: memref<128x10xf32>, %b: memref<256x10xf32>, %c: memref<128x256xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : memref<128x10xf32>, memref<256x10xf32>) outs(%c : memref<128x256xf32>)
  return
}

// Dynamic sizes always call the kernel.
// CHECK-LABEL: func.func @dynamic
// CHECK: call @sf_gemm_f32_avx2_st
func.func @dynamic(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// Compiled inline: under 32^3 multiply-adds, f64, a C whose rows are not
// contiguous, a batch matmul.
// CHECK-LABEL: func.func @stays
// CHECK-NOT: call
// CHECK-COUNT-3: linalg.matmul
// CHECK: linalg.batch_matmul
func.func @stays(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>,
                 %d: memref<64x64xf64>, %e: memref<64x64xf64>, %f: memref<64x64xf64>,
                 %g: memref<64x64xf32>, %h: memref<64x64xf32>, %s: memref<64x64xf32, strided<[128, 2]>>,
                 %x: memref<2x64x64xf32>, %y: memref<2x64x64xf32>, %z: memref<2x64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  linalg.matmul ins(%d, %e : memref<64x64xf64>, memref<64x64xf64>) outs(%f : memref<64x64xf64>)
  linalg.matmul ins(%g, %h : memref<64x64xf32>, memref<64x64xf32>) outs(%s : memref<64x64xf32, strided<[128, 2]>>)
  linalg.batch_matmul ins(%x, %y : memref<2x64x64xf32>, memref<2x64x64xf32>) outs(%z : memref<2x64x64xf32>)
  return
}
