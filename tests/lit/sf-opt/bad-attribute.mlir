// Attributes of the wrong kind or value.
// RUN: not sf-opt %s -split-input-file 2>&1 | FileCheck %s

func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: bad-attribute.mlir:[[# @LINE + 1]]:8: error: perm must be a permutation of [0, 2)
  %y = sf.transpose %x {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @g(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: bad-attribute.mlir:[[# @LINE + 1]]:24: error: {{.*}}attribute 'perm' failed to satisfy constraint: i64 dense array attribute
  %y = sf.transpose %x {perm = "1,0"} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @h(%x: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // CHECK: bad-attribute.mlir:[[# @LINE + 1]]:8: error: axis 7 is out of range [-3, 2]
  %y = sf.expand_dims %x {axis = 7} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  return %y : tensor<2x3x1xf32>
}
