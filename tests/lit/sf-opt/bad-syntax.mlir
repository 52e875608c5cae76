// Malformed op syntax and undefined values.
// RUN: not sf-opt %s -split-input-file 2>&1 | FileCheck %s

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bad-syntax.mlir:[[# @LINE + 1]]:17: error: expected ','
  %y = sf.add %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bad-syntax.mlir:[[# @LINE + 1]]:15: error: use of undeclared SSA value name
  %y = sf.neg %nope : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @h(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bad-syntax.mlir:[[# @LINE + 1]]:20: error: inferred shape of elements literal ([2]) does not match type ([3])
  %c = sf.constant dense<[1.0, 2.0]> : tensor<3xf32>
  return %x : tensor<4xf32>
}
