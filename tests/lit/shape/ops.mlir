// Round trip of the shape ops' assembly formats (result types re-inferred
// and checked by the verifier).
// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<?x3xf32>, %s: tensor<2xi64>, %i: tensor<?xi32>, %f: tensor<f32>) {
  // CHECK: sf.dim %{{.*}}[0] : tensor<?x3xf32>
  %0 = sf.dim %x[0] : tensor<?x3xf32>
  // CHECK: sf.shape %{{.*}} : tensor<?x3xf32>
  %1 = sf.shape %x : tensor<?x3xf32>
  // CHECK: sf.broadcast_to %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  %2 = sf.broadcast_to %x, %s : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  // CHECK: sf.reshape %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  %3 = sf.reshape %x, %s : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  // CHECK: sf.transpose %{{.*}} {perm = array<i64: 1, 0>} : tensor<?x3xf32> -> tensor<3x?xf32>
  %4 = sf.transpose %x {perm = array<i64: 1, 0>} : tensor<?x3xf32> -> tensor<3x?xf32>
  // CHECK: sf.expand_dims %{{.*}} {axis = -1 : i64} : tensor<?x3xf32> -> tensor<?x3x1xf32>
  %5 = sf.expand_dims %x {axis = -1} : tensor<?x3xf32> -> tensor<?x3x1xf32>
  // CHECK: sf.squeeze %{{.*}} {axes = array<i64: 2>} : tensor<?x3x1xf32> -> tensor<?x3xf32>
  %6 = sf.squeeze %5 {axes = array<i64: 2>} : tensor<?x3x1xf32> -> tensor<?x3xf32>
  // CHECK: sf.reverse %{{.*}} {axes = array<i64: 0>} : tensor<?x3xf32>
  %7 = sf.reverse %x {axes = array<i64: 0>} : tensor<?x3xf32>
  // CHECK: sf.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x6xf32>
  %8 = sf.concat %x, %x {axis = 1} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x6xf32>
  // CHECK: sf.slice %{{.*}} {begin = array<i64: 1, 1>, size = array<i64: -1, 2>} : tensor<?x3xf32> -> tensor<?x2xf32>
  %9 = sf.slice %x {begin = array<i64: 1, 1>, size = array<i64: -1, 2>} : tensor<?x3xf32> -> tensor<?x2xf32>
  // CHECK: sf.strided_slice
  %10 = sf.strided_slice %x {begin = array<i64: 0, -1>, end = array<i64: 9223372036854775807, -9223372036854775808>, strides = array<i64: 2, -1>} : tensor<?x3xf32> -> tensor<?x3xf32>
  // CHECK: sf.pad %{{.*}}, %{{.*}} {paddings = array<i64: 1, 2, 0, 1>} : (tensor<?x3xf32>, tensor<f32>) -> tensor<?x4xf32>
  %11 = sf.pad %x, %f {paddings = array<i64: 1, 2, 0, 1>} : (tensor<?x3xf32>, tensor<f32>) -> tensor<?x4xf32>
  // CHECK: sf.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<?x?xf32>
  %12 = sf.gather %x, %i {axis = 1} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<?x?xf32>
  // CHECK: sf.unsorted_segment_sum %{{.*}}, %{{.*}} {num_segments = 4 : i64} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<4x3xf32>
  %15 = sf.unsorted_segment_sum %x, %i {num_segments = 4} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<4x3xf32>
  // CHECK: sf.one_hot %{{.*}}, %{{.*}}, %{{.*}} {depth = 5 : i64} : (tensor<?xi32>, tensor<f32>, tensor<f32>) -> tensor<?x5xf32>
  %13 = sf.one_hot %i, %f, %f {depth = 5} : (tensor<?xi32>, tensor<f32>, tensor<f32>) -> tensor<?x5xf32>
  // CHECK: sf.range %{{.*}}, %{{.*}}, %{{.*}} : tensor<f32> -> tensor<?xf32>
  %14 = sf.range %f, %f, %f : tensor<f32> -> tensor<?xf32>
  return
}
