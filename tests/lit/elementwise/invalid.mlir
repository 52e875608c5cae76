// Verifier errors of elementwise ops.
// RUN: sf-opt %s -split-input-file -verify-diagnostics

func.func @float_only(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'sf.tanh' op operand #0 must be ranked tensor of}}
  %y = sf.tanh %x : tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

func.func @no_bool_arith(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'sf.add' op operand #0 must be ranked tensor of}}
  %y = sf.add %x, %x : tensor<4xi1>
  return %y : tensor<4xi1>
}

// -----

func.func @logical_needs_bool(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'sf.logical_or' op operand #0 must be ranked tensor of 1-bit signless integer}}
  %y = sf.logical_or %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @bitwise_needs_integers(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'sf.left_shift' op operand #0 must be ranked tensor of}}
  %y = sf.left_shift %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @cast_keeps_shape(%x: tensor<4xf32>) -> tensor<3xi32> {
  // expected-error @+1 {{'sf.cast' op requires the same shape for all operands and results}}
  %y = sf.cast %x : tensor<4xf32> to tensor<3xi32>
  return %y : tensor<3xi32>
}

// -----

func.func @compare_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'sf.less' op result #0 must be ranked tensor of 1-bit signless integer}}
  %y = "sf.less"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @select_condition(%c: tensor<3xi1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'sf.select' op failed to verify that condition is an i1 tensor of the result's shape}}
  %y = "sf.select"(%c, %x, %x) : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
