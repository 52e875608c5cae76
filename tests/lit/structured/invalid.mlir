// RUN: sf-opt %s -split-input-file -verify-diagnostics

// Shape errors come from result type inference, which reports the reason
// and then that inference failed.

func.func @matmul_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{sf.matmul: operands must be 2-D, got 'tensor<2x3x4xf32>' and 'tensor<4x5xf32>'}}
  // expected-error @+1 {{'sf.matmul' op failed to infer returned types}}
  %0 = sf.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{sf.matmul: contracted dims differ: 3 (a, transpose_a=false) vs 4 (b, transpose_b=false)}}
  // expected-error @+1 {{'sf.matmul' op failed to infer returned types}}
  %0 = sf.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_element_types(%a: tensor<2x3xf32>, %b: tensor<3x5xf16>) {
  // expected-error @+1 {{'sf.matmul' op failed to verify that all of {a, b, result} have same element type}}
  %0 = sf.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf16>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{'sf.matmul' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<2x6xf32>'}}
  // expected-error @+1 {{'sf.matmul' op failed to infer returned types}}
  %0 = sf.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @matmul_bool(%a: tensor<2x2xi1>) {
  // expected-error @+1 {{'sf.matmul' op operand #0 must be ranked tensor of}}
  %0 = sf.matmul %a, %a : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  return
}

// -----

func.func @batch_matmul_rank(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{sf.batch_matmul: operands must have one rank >= 3, got 'tensor<3x4xf32>' and 'tensor<4x5xf32>'}}
  // expected-error @+1 {{'sf.batch_matmul' op failed to infer returned types}}
  %0 = sf.batch_matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @batch_matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+2 {{sf.batch_matmul: batch dim 0 differs: 2 vs 3}}
  // expected-error @+1 {{'sf.batch_matmul' op failed to infer returned types}}
  %0 = sf.batch_matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @batch_matmul_contraction(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>) {
  // expected-error @+2 {{sf.batch_matmul: contracted dims differ: 3 (a, transpose_a=true) vs 5 (b, transpose_b=false)}}
  // expected-error @+1 {{'sf.batch_matmul' op failed to infer returned types}}
  %0 = sf.batch_matmul %a, %b {transpose_a = true} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

func.func @conv_input_rank(%x: tensor<8x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{sf.conv2d: input must be 4-D (NHWC), got 'tensor<8x8x3xf32>'}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_filter_rank(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3xf32>) {
  // expected-error @+2 {{sf.conv2d: filter must be 4-D (HWIO), got 'tensor<3x3x3xf32>'}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<1x8x8x3xf32>, tensor<3x3x3xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x2x4xf32>) {
  // expected-error @+2 {{sf.conv2d: input has 3 channels but the filter expects 2}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<1x8x8x3xf32>, tensor<3x3x2x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{sf.conv2d: strides must be 2 positive values [H, W], got [0, 1]}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [0, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_dilations(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{sf.conv2d: dilations must be 2 positive values [H, W], got [1, 1, 1]}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1, 1] padding [0, 0, 0, 0] : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_padding(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{sf.conv2d: padding must be 4 non-negative values [top, bottom, left, right], got [1, -1, 0, 0]}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, -1, 0, 0] : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<1x2x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{sf.conv2d: window (5) exceeds the padded input (2) along H}}
  // expected-error @+1 {{'sf.conv2d' op failed to infer returned types}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [2, 1] padding [0, 0, 0, 0] : (tensor<1x2x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x1x6x4xf32>
  return
}

// -----

func.func @conv_int(%x: tensor<1x8x8x3xi32>, %w: tensor<3x3x3x4xi32>) {
  // expected-error @+1 {{'sf.conv2d' op operand #0 must be ranked tensor of}}
  %0 = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<1x8x8x3xi32>, tensor<3x3x3x4xi32>) -> tensor<1x6x6x4xi32>
  return
}

// -----

func.func @pool_rank(%x: tensor<8x8x3xf32>) {
  // expected-error @+2 {{sf.max_pool: input must be 4-D (NHWC), got 'tensor<8x8x3xf32>'}}
  // expected-error @+1 {{'sf.max_pool' op failed to infer returned types}}
  %0 = sf.max_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<8x8x3xf32> -> tensor<4x4x3xf32>
  return
}

// -----

func.func @pool_ksize(%x: tensor<1x8x8x3xf32>) {
  // expected-error @+2 {{sf.avg_pool: ksize must be 2 positive values [H, W], got [1, 2, 2, 1]}}
  // expected-error @+1 {{'sf.avg_pool' op failed to infer returned types}}
  %0 = sf.avg_pool %x ksize [1, 2, 2, 1] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x3xf32> -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @pool_padding_window(%x: tensor<1x8x8x3xf32>) {
  // expected-error @+2 {{sf.max_pool: padding must be smaller than the window, got padding [2, 0, 0, 0] for ksize [2, 2]}}
  // expected-error @+1 {{'sf.max_pool' op failed to infer returned types}}
  %0 = sf.max_pool %x ksize [2, 2] strides [2, 2] padding [2, 0, 0, 0] : tensor<1x8x8x3xf32> -> tensor<1x5x4x3xf32>
  return
}

// -----

func.func @pool_result(%x: tensor<1x8x8x3xf32>) {
  // expected-error @+2 {{'sf.max_pool' op inferred type(s) 'tensor<1x4x4x3xf32>' are incompatible with return type(s) of operation 'tensor<1x8x8x3xf32>'}}
  // expected-error @+1 {{'sf.max_pool' op failed to infer returned types}}
  %0 = sf.max_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x3xf32> -> tensor<1x8x8x3xf32>
  return
}

// -----

func.func @avg_pool_int(%x: tensor<1x8x8x3xi32>) {
  // expected-error @+1 {{'sf.avg_pool' op operand #0 must be ranked tensor of}}
  %0 = sf.avg_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x8x8x3xi32> -> tensor<1x4x4x3xi32>
  return
}
