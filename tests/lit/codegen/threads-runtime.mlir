// RUN: sf-opt %s --sf-lower-to-llvm="optimize=1 threads=2 openmp=1" | FileCheck %s --check-prefix=OMP
// RUN: sf-opt %s --sf-lower-to-llvm="optimize=1 threads=2" | FileCheck %s --check-prefix=ASYNC
// RUN: sf-opt %s --sf-lower-to-llvm="optimize=1 threads=1 openmp=1" | FileCheck %s --check-prefix=ONE

// A loop nest big enough for threads runs as an OpenMP parallel region on
// two threads with openmp=1, as async tasks without it, and on the calling
// thread alone with threads=1.
// OMP-LABEL: llvm.func @big
// OMP: omp.parallel num_threads
// OMP: omp.wsloop
// OMP-NOT: mlirAsync
// ASYNC-LABEL: llvm.func @big
// ASYNC-NOT: omp.
// ASYNC: mlirAsyncRuntime
// ONE-LABEL: llvm.func @big
// ONE-NOT: omp.
// ONE-NOT: mlirAsync
// ONE: llvm.return
func.func @big(%x: tensor<1024x1024xf32>, %y: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %z = sf.add %x, %y : tensor<1024x1024xf32>
  return %z : tensor<1024x1024xf32>
}
