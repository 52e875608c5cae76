// sf-to-linalg of shape ops.
// RUN: sf-opt %s -sf-to-linalg -canonicalize | FileCheck %s

// Static broadcasting is an indexing map (0 along the broadcast dim).
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[TRANS:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @broadcast
// CHECK: linalg.generic {indexing_maps = [#[[BCAST]], #{{.*}}]
func.func @broadcast(%x: tensor<1x3xf32>, %s: tensor<2xi64>) -> tensor<?x3xf32> {
  %0 = sf.broadcast_to %x, %s : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.generic {indexing_maps = [#[[TRANS]], #{{.*}}]
func.func @transpose(%x: tensor<?x3xf32>) -> tensor<3x?xf32> {
  %0 = sf.transpose %x {perm = array<i64: 1, 0>} : tensor<?x3xf32> -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// Reversal reads at size - 1 - i (tiling rejects negative map coefficients).
// CHECK-LABEL: func.func @reverse_static
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.subi
// CHECK: tensor.extract
func.func @reverse_static(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = sf.reverse %x {axes = array<i64: 0>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @static_reshape
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [3, 2, 2] : tensor<12xf32> into tensor<3x2x2xf32>
func.func @static_reshape(%x: tensor<2x6xf32>, %s: tensor<3xi64>) -> tensor<3x2x2xf32> {
  %0 = sf.reshape %x, %s : (tensor<2x6xf32>, tensor<3xi64>) -> tensor<3x2x2xf32>
  return %0 : tensor<3x2x2xf32>
}

// CHECK-LABEL: func.func @dynamic_reshape
// CHECK: tensor.reshape %{{.*}}(%{{.*}}) : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x2xf32>
func.func @dynamic_reshape(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> tensor<?x2xf32> {
  %0 = sf.reshape %x, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// CHECK-LABEL: func.func @expand_dims
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 1, 3]
func.func @expand_dims(%x: tensor<?x3xf32>) -> tensor<?x1x3xf32> {
  %0 = sf.expand_dims %x {axis = 1} : tensor<?x3xf32> -> tensor<?x1x3xf32>
  return %0 : tensor<?x1x3xf32>
}

// A dynamic squeezed dim is cast to 1 first.
// CHECK-LABEL: func.func @squeeze
// CHECK: tensor.cast %{{.*}} : tensor<?x3x1xf32> to tensor<1x3x1xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<1x3x1xf32> into tensor<3xf32>
func.func @squeeze(%x: tensor<?x3x1xf32>) -> tensor<3xf32> {
  %0 = sf.squeeze %x {axes = array<i64: 0, 2>} : tensor<?x3x1xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK: tensor.empty() : tensor<5x3xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[2, 0] [3, 3] [1, 1]
func.func @concat(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<5x3xf32> {
  %0 = sf.concat %x, %y {axis = 0} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// Negative strides: a positive-stride slice over the same elements, reversed.
// CHECK-LABEL: func.func @strided
// CHECK: tensor.extract_slice %{{.*}}[1] [3] [2] : tensor<7xf32> to tensor<3xf32>
// CHECK: linalg.generic
func.func @strided(%x: tensor<7xf32>) -> tensor<3xf32> {
  %0 = sf.strided_slice %x {begin = array<i64: -2>, end = array<i64: 0>, strides = array<i64: -2>} : tensor<7xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Each pad fills a buffer of its own (alloc_tensor, which CSE does not merge:
// a shared fill would be one buffer copied into the other pad's).
// CHECK-LABEL: func.func @pad
// CHECK: bufferization.alloc_tensor() : tensor<4x5xf32>
// CHECK: linalg.fill
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[1, 0] [2, 3] [1, 1]
// CHECK: bufferization.alloc_tensor() : tensor<4x5xf32>
// CHECK: linalg.fill
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[1, 0] [2, 3] [1, 1]
func.func @pad(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>, %v: tensor<f32>) -> (tensor<4x5xf32>, tensor<4x5xf32>) {
  %0 = sf.pad %x, %v {paddings = array<i64: 1, 1, 0, 2>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<4x5xf32>
  %1 = sf.pad %y, %v {paddings = array<i64: 1, 1, 0, 2>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0, %1 : tensor<4x5xf32>, tensor<4x5xf32>
}

// A zero-size operand: the result is all padding (no insert_slice, whose
// offset would lie past the zero-size end).
// CHECK-LABEL: func.func @pad_empty
// CHECK: linalg.fill
// CHECK-NOT: tensor.insert_slice
// CHECK: return
func.func @pad_empty(%x: tensor<3x0xf32>, %v: tensor<f32>) -> tensor<3x1xf32> {
  %0 = sf.pad %x, %v {paddings = array<i64: 0, 0, 1, 0>} : (tensor<3x0xf32>, tensor<f32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// Empty pieces of a concat are skipped; an op with an empty static result
// is a tensor.empty (its slices of zero-size dims would not verify).
// (After canonicalization the one real piece is the concat.)
// CHECK-LABEL: func.func @empty_pieces
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x0xf32>
// CHECK-NEXT: return %arg0, %[[E]]
func.func @empty_pieces(%a: tensor<2x3xf32>, %b: tensor<2x0xf32>) -> (tensor<2x3xf32>, tensor<2x0xf32>) {
  %0 = sf.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>) -> tensor<2x3xf32>
  %1 = sf.strided_slice %0 {begin = array<i64: 0, 3>, end = array<i64: 2, 3>, strides = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x0xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x0xf32>
}

// The index is read through the generic (fusable); params by tensor.extract.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @gather(%p: tensor<5x3xf32>, %i: tensor<?xi32>) -> tensor<?x3xf32> {
  %0 = sf.gather %p, %i {axis = 0} : (tensor<5x3xf32>, tensor<?xi32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// A sequential loop over the ids; in-range ones add their row in place.
// CHECK-LABEL: func.func @unsorted_segment_sum
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<4x3xf32>)
// CHECK: %[[ID:.*]] = arith.index_cast
// CHECK: scf.if
// CHECK: tensor.extract_slice %{{.*}}[%[[I]], 0] [1, 3] [1, 1]
// CHECK: tensor.extract_slice %[[ACC]][%[[ID]], 0] [1, 3] [1, 1]
// CHECK: linalg.add
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][%[[ID]], 0] [1, 3] [1, 1]
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[ACC]]
func.func @unsorted_segment_sum(%d: tensor<?x3xf32>, %i: tensor<?xi64>) -> tensor<4x3xf32> {
  %0 = sf.unsorted_segment_sum %d, %i {num_segments = 4} : (tensor<?x3xf32>, tensor<?xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// A written result type may be less (or more) static than the inferred one
// when the two are compatible: the lowering builds the inferred type and casts.
// CHECK-LABEL: func.func @compatible_result
// CHECK: tensor.cast %{{.*}} : tensor<5x3xf32> to tensor<?x?xf32>
func.func @compatible_result(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<?x?xf32> {
  %0 = sf.concat %x, %y {axis = 0} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
