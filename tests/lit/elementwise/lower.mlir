// sf-to-linalg of elementwise ops: one linalg.generic each, the scalar op
// chosen by element type (float / signed / unsigned).
// RUN: sf-opt %s -sf-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @add_f32
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
// CHECK: linalg.yield
func.func @add_f32(%x: tensor<?x3xf32>, %y: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %z = sf.add %x, %y : tensor<?x3xf32>
  return %z : tensor<?x3xf32>
}

// ui8 is signless i8 after conversion, with unsigned ops.
// CHECK-LABEL: func.func @ui8_ops
// CHECK-SAME: tensor<4xi8>
// CHECK: arith.divui
// CHECK: arith.maxui
// CHECK: arith.cmpi ult
func.func @ui8_ops(%x: tensor<4xui8>, %y: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>, tensor<4xi1>) {
  %0 = sf.div %x, %y : tensor<4xui8>
  %1 = sf.maximum %x, %y : tensor<4xui8>
  %2 = sf.less %x, %y : tensor<4xui8>
  return %0, %1, %2 : tensor<4xui8>, tensor<4xui8>, tensor<4xi1>
}

// Shifts by amounts outside [0, width) are defined (NumPy's results): one
// unsigned compare against the width guards each shift (LLVM's select does
// not propagate poison from the arm it does not pick).
// CHECK-LABEL: func.func @bitwise_i32
// CHECK: arith.xori
// CHECK: arith.andi
// CHECK: %[[SHL:.*]] = arith.shli
// CHECK: %[[W:.*]] = arith.constant 32 : i32
// CHECK: %[[OK:.*]] = arith.cmpi ult, %{{.*}}, %[[W]] : i32
// CHECK: arith.select %[[OK]], %[[SHL]]
// CHECK: arith.cmpi ult
// CHECK: %[[AMOUNT:.*]] = arith.select
// CHECK: arith.shrsi %{{.*}}, %[[AMOUNT]]
func.func @bitwise_i32(%x: tensor<4xi32>, %y: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %0 = sf.invert %x : tensor<4xi32>
  %1 = sf.bitwise_and %x, %y : tensor<4xi32>
  %2 = sf.left_shift %x, %y : tensor<4xi32>
  %3 = sf.right_shift %x, %y : tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// ui8 shifts right logically.
// CHECK-LABEL: func.func @right_shift_ui8
// CHECK: arith.shrui
func.func @right_shift_ui8(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %0 = sf.right_shift %x, %y : tensor<4xui8>
  return %0 : tensor<4xui8>
}

// CHECK-LABEL: func.func @compare_f32
// CHECK: linalg.generic
// CHECK: arith.cmpf une
// CHECK: -> tensor<4xi1>
func.func @compare_f32(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xi1> {
  %0 = sf.not_equal %x, %y : tensor<4xf32>
  return %0 : tensor<4xi1>
}

// CHECK-LABEL: func.func @math
// CHECK: math.erf
// CHECK: math.roundeven
// CHECK: math.exp
// CHECK: arith.divf
func.func @math(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = sf.gelu %x : tensor<4xf32>
  %1 = sf.round %x : tensor<4xf32>
  %2 = sf.sigmoid %x : tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// Truncating division never traps: zero and INT_MIN / -1 divisors become 1.
// CHECK-LABEL: func.func @int_div
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.divsi
func.func @int_div(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = sf.div %x, %y : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// CHECK-LABEL: func.func @casts
// CHECK: arith.fptosi {{.*}} : f32 to i32
// CHECK: arith.fptoui {{.*}} : f32 to i8
// CHECK: arith.cmpf une
// CHECK: arith.uitofp {{.*}} : i1 to f32
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @casts(%x: tensor<4xf32>, %b: tensor<4xi1>, %h: tensor<4xbf16>) -> (tensor<4xi32>, tensor<4xui8>, tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) {
  %0 = sf.cast %x : tensor<4xf32> to tensor<4xi32>
  %1 = sf.cast %x : tensor<4xf32> to tensor<4xui8>
  %2 = sf.cast %x : tensor<4xf32> to tensor<4xi1>
  %3 = sf.cast %b : tensor<4xi1> to tensor<4xf32>
  %4 = sf.cast %h : tensor<4xbf16> to tensor<4xf16>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xui8>, tensor<4xi1>, tensor<4xf32>, tensor<4xf16>
}

// A chain fuses into one generic in the linalg pipeline.
// RUN: sf-opt %s -sf-lower-to-linalg | FileCheck %s --check-prefix=FUSED
// FUSED-LABEL: func.func @chain
// FUSED-COUNT-1: linalg.generic
// FUSED-NOT: linalg.generic
// FUSED: return
func.func @chain(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
  %0 = sf.mul %x, %y : tensor<?xf32>
  %1 = sf.tanh %0 : tensor<?xf32>
  %2 = sf.relu %1 : tensor<?xf32>
  return %2 : tensor<?xf32>
}
