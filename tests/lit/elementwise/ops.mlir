// Round trip of every elementwise op's assembly format.
// RUN: sf-opt %s | sf-opt | FileCheck %s

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<?x3xf32>, %i: tensor<4xi32>, %b: tensor<4xi1>) -> (tensor<?x3xf32>, tensor<4xi32>, tensor<4xi1>) {
  // CHECK: sf.exp %{{.*}} : tensor<?x3xf32>
  %0 = sf.exp %x : tensor<?x3xf32>
  // CHECK: sf.log
  %1 = sf.log %0 : tensor<?x3xf32>
  // CHECK: sf.log1p
  %2 = sf.log1p %1 : tensor<?x3xf32>
  // CHECK: sf.expm1
  %3 = sf.expm1 %2 : tensor<?x3xf32>
  // CHECK: sf.sqrt
  %4 = sf.sqrt %3 : tensor<?x3xf32>
  // CHECK: sf.rsqrt
  %5 = sf.rsqrt %4 : tensor<?x3xf32>
  // CHECK: sf.sin
  %6 = sf.sin %5 : tensor<?x3xf32>
  // CHECK: sf.cos
  %7 = sf.cos %6 : tensor<?x3xf32>
  // CHECK: sf.tanh
  %8 = sf.tanh %7 : tensor<?x3xf32>
  // CHECK: sf.sigmoid
  %9 = sf.sigmoid %8 : tensor<?x3xf32>
  // CHECK: sf.gelu
  %10 = sf.gelu %9 : tensor<?x3xf32>
  // CHECK: sf.erf
  %11 = sf.erf %10 : tensor<?x3xf32>
  // CHECK: sf.floor
  %12 = sf.floor %11 : tensor<?x3xf32>
  // CHECK: sf.ceil
  %13 = sf.ceil %12 : tensor<?x3xf32>
  // CHECK: sf.round
  %14 = sf.round %13 : tensor<?x3xf32>
  // CHECK: sf.neg %{{.*}} : tensor<4xi32>
  %15 = sf.neg %i : tensor<4xi32>
  // CHECK: sf.abs
  %16 = sf.abs %15 : tensor<4xi32>
  // CHECK: sf.square
  %17 = sf.square %16 : tensor<4xi32>
  // CHECK: sf.sign
  %18 = sf.sign %17 : tensor<4xi32>
  // CHECK: sf.relu
  %19 = sf.relu %18 : tensor<4xi32>
  // CHECK: sf.logical_not %{{.*}} : tensor<4xi1>
  %20 = sf.logical_not %b : tensor<4xi1>
  return %14, %19, %20 : tensor<?x3xf32>, tensor<4xi32>, tensor<4xi1>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%x: tensor<?xf32>, %y: tensor<?xf32>, %b: tensor<?xi1>) -> (tensor<?xf32>, tensor<?xi1>) {
  // CHECK: sf.add %{{.*}}, %{{.*}} : tensor<?xf32>
  %0 = sf.add %x, %y : tensor<?xf32>
  // CHECK: sf.sub
  %1 = sf.sub %0, %y : tensor<?xf32>
  // CHECK: sf.mul
  %2 = sf.mul %1, %y : tensor<?xf32>
  // CHECK: sf.div
  %3 = sf.div %2, %y : tensor<?xf32>
  // CHECK: sf.floordiv
  %4 = sf.floordiv %3, %y : tensor<?xf32>
  // CHECK: sf.mod
  %5 = sf.mod %4, %y : tensor<?xf32>
  // CHECK: sf.pow
  %6 = sf.pow %5, %y : tensor<?xf32>
  // CHECK: sf.maximum
  %7 = sf.maximum %6, %y : tensor<?xf32>
  // CHECK: sf.minimum
  %8 = sf.minimum %7, %y : tensor<?xf32>
  // CHECK: %[[LT:.*]] = sf.less %{{.*}}, %{{.*}} : tensor<?xf32>
  %9 = sf.less %8, %y : tensor<?xf32>
  // CHECK: sf.less_equal
  %10 = sf.less_equal %8, %y : tensor<?xf32>
  // CHECK: sf.greater
  %11 = sf.greater %8, %y : tensor<?xf32>
  // CHECK: sf.greater_equal
  %12 = sf.greater_equal %8, %y : tensor<?xf32>
  // CHECK: sf.equal
  %13 = sf.equal %8, %y : tensor<?xf32>
  // CHECK: sf.not_equal
  %14 = sf.not_equal %8, %y : tensor<?xf32>
  // CHECK: sf.logical_and
  %15 = sf.logical_and %9, %10 : tensor<?xi1>
  // CHECK: sf.logical_or
  %16 = sf.logical_or %15, %11 : tensor<?xi1>
  // CHECK: sf.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xf32>
  %17 = sf.select %16, %8, %x : tensor<?xf32>
  return %17, %14 : tensor<?xf32>, tensor<?xi1>
}

// CHECK-LABEL: func.func @cast_and_constant
func.func @cast_and_constant(%x: tensor<2xf32>) -> (tensor<2xui8>, tensor<2xi32>) {
  // CHECK: sf.cast %{{.*}} : tensor<2xf32> to tensor<2xui8>
  %0 = sf.cast %x : tensor<2xf32> to tensor<2xui8>
  // CHECK: sf.constant dense<[1, 2]> : tensor<2xi32>
  %1 = sf.constant dense<[1, 2]> : tensor<2xi32>
  return %0, %1 : tensor<2xui8>, tensor<2xi32>
}
