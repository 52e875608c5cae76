// An op the sf dialect does not define: a located error, no crash.
// RUN: not sf-opt %s 2>&1 | FileCheck %s

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: unknown-op.mlir:[[# @LINE + 1]]:8: error: {{.*}}sf.frobnicate
  %y = sf.frobnicate %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
