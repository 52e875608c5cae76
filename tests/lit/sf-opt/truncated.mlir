// A file cut off in the middle of an op: a parse error, no crash.
// RUN: not sf-opt %s 2>&1 | FileCheck %s
// CHECK: truncated.mlir:{{[0-9]+}}:{{[0-9]+}}: error:

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = sf.add %x, %x : tensor<4x
