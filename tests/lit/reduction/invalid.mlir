// RUN: sf-opt %s -split-input-file -verify-diagnostics

// Shape errors of reductions come from result type inference, which reports
// the reason and then that inference failed.

func.func @axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{sf.reduce_sum: axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'sf.reduce_sum' op failed to infer returned types}}
  %0 = sf.reduce_sum %x axes [2] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @negative_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{sf.reduce_max: axis -3 is out of range for rank 2}}
  // expected-error @+1 {{'sf.reduce_max' op failed to infer returned types}}
  %0 = sf.reduce_max %x axes [-3] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @repeated_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{sf.reduce_mean: axes [1, -1] name dim 1 twice}}
  // expected-error @+1 {{'sf.reduce_mean' op failed to infer returned types}}
  %0 = sf.reduce_mean %x axes [1, -1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'sf.reduce_prod' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{'sf.reduce_prod' op failed to infer returned types}}
  %0 = sf.reduce_prod %x axes [1] {keepdims = true} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @bool_sum(%x: tensor<2x3xi1>) {
  // expected-error @+1 {{'sf.reduce_sum' op operand #0 must be ranked tensor of}}
  %0 = sf.reduce_sum %x axes [1] : tensor<2x3xi1> -> tensor<2xi1>
  return
}

// -----

func.func @float_any(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'sf.reduce_any' op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = sf.reduce_any %x axes [1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @argmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'sf.argmax' op axis -3 is out of range for rank 2}}
  %0 = sf.argmax %x axis -3 : tensor<2x3xf32> -> tensor<2xi64>
  return
}

// -----

func.func @argmin_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'sf.argmin' op result type 'tensor<3xi64>' must have the input shape without dim 1 ('tensor<2xi64>')}}
  %0 = sf.argmin %x axis 1 : tensor<2x3xf32> -> tensor<3xi64>
  return
}

// -----

func.func @argmax_index_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'sf.argmax' op result #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = sf.argmax %x axis 1 : tensor<2x3xf32> -> tensor<2xi16>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'sf.softmax' op axis 2 is out of range for rank 2}}
  %0 = sf.softmax %x axis 2 : tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_int(%x: tensor<2x3xi32>) {
  // expected-error @+1 {{'sf.log_softmax' op operand #0 must be ranked tensor of}}
  %0 = sf.log_softmax %x axis 1 : tensor<2x3xi32>
  return
}
