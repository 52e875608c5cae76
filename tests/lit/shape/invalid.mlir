// Verifier errors of shape ops.
// RUN: sf-opt %s -split-input-file -verify-diagnostics

func.func @dim_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = sf.dim %x[2] : tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_incompatible(%x: tensor<3xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{operand dim 0 of size 3 cannot broadcast to size 4}}
  %0 = sf.broadcast_to %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @broadcast_shape_length(%x: tensor<3xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{shape operand has 3 elements but the result has rank 2}}
  %0 = sf.broadcast_to %x, %s : (tensor<3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{cannot reshape 6 elements}}
  %0 = sf.reshape %x, %s : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<7xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @squeeze_non_unit(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{cannot squeeze dim 0 of size 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.squeeze %x {axes = array<i64: 0>} : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reverse_repeated(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis -2 is repeated}}
  %0 = sf.reverse %x {axes = array<i64: 0, -2>} : tensor<2x3xf32>
  return
}

// -----

func.func @concat_mismatch(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) {
  // expected-error @+2 {{input 1 has size 4 in dim 1, input 0 has 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.concat %x, %y {axis = 0} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<4xf32>) {
  // expected-error @+2 {{dim 0: slice [3, +2) exceeds size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.slice %x {begin = array<i64: 3>, size = array<i64: 2>} : tensor<4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @strided_zero(%x: tensor<4xf32>) {
  // expected-error @+2 {{stride of dim 0 is 0 or INT64_MIN}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.strided_slice %x {begin = array<i64: 0>, end = array<i64: 4>, strides = array<i64: 0>} : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<4xf32>, %v: tensor<f32>) {
  // expected-error @+2 {{paddings must be >= 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.pad %x, %v {paddings = array<i64: -1, 0>} : (tensor<4xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<4xf32>, %v: tensor<i32>) {
  // expected-error @+2 {{pad value type differs from the operand element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.pad %x, %v {paddings = array<i64: 0, 0>} : (tensor<4xf32>, tensor<i32>) -> tensor<4xf32>
  return
}

// -----

func.func @gather_axis(%p: tensor<4x3xf32>, %i: tensor<2xi32>) {
  // expected-error @+2 {{axis 2 must be in [batch_dims, rank of params)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.gather %p, %i {axis = 2} : (tensor<4x3xf32>, tensor<2xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @segment_ids_rank(%d: tensor<4x3xf32>, %i: tensor<4x1xi32>) {
  // expected-error @+2 {{segment_ids must be 1-D, got rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.unsorted_segment_sum %d, %i {num_segments = 2} : (tensor<4x3xf32>, tensor<4x1xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @segment_ids_count(%d: tensor<4x3xf32>, %i: tensor<5xi32>) {
  // expected-error @+2 {{data has 4 rows but there are 5 segment ids}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.unsorted_segment_sum %d, %i {num_segments = 2} : (tensor<4x3xf32>, tensor<5xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @one_hot_values(%i: tensor<2xi32>, %on: tensor<f32>, %off: tensor<i32>) {
  // expected-error @+2 {{on_value and off_value have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = sf.one_hot %i, %on, %off {depth = 3} : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @range_type(%s: tensor<i32>) {
  // expected-error @+1 {{result element type 'i64' differs from the bounds' 'i32'}}
  %0 = sf.range %s, %s, %s : tensor<i32> -> tensor<?xi64>
  return
}
