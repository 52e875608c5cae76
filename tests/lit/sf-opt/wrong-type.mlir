// Operand types that violate an op's constraints.
// RUN: not sf-opt %s -split-input-file 2>&1 | FileCheck %s

func.func @f(%x: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: wrong-type.mlir:[[# @LINE + 1]]:8: error: 'sf.exp' op operand #0 must be ranked tensor of
  %y = sf.exp %x : tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

func.func @g(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // CHECK: wrong-type.mlir:[[# @LINE + 1]]:19: error: use of value '%y' expects different type than prior uses
  %z = sf.add %x, %y : tensor<4xf32>
  return %z : tensor<4xf32>
}

// -----

func.func @h(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: wrong-type.mlir:[[# @LINE + 1]]:8: error: 'sf.cast' op {{.*}}same shape
  %y = sf.cast %x : tensor<4xf32> to tensor<5xi32>
  return %x : tensor<4xf32>
}
