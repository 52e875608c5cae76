// Folders of elementwise ops (identities and cheap constants).
// RUN: sf-opt %s -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xi1>)
// CHECK-NOT: sf.
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[B]]
func.func @identities(%x: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>) {
  %zero = sf.constant dense<0.0> : tensor<4xf32>
  %one = sf.constant dense<1.0> : tensor<4xf32>
  %0 = sf.add %x, %zero : tensor<4xf32>
  %1 = sf.mul %one, %x : tensor<4xf32>
  %2 = sf.sub %x, %zero : tensor<4xf32>
  %n = sf.neg %x : tensor<4xf32>
  %3 = sf.neg %n : tensor<4xf32>
  %4 = sf.cast %x : tensor<4xf32> to tensor<4xf32>
  %nb = sf.logical_not %b : tensor<4xi1>
  %5 = sf.logical_not %nb : tensor<4xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>
}

// CHECK-LABEL: func.func @select_constant_condition
// CHECK-SAME: (%[[A:.*]]: tensor<2xi32>, %[[B:.*]]: tensor<2xi32>)
// CHECK: return %[[B]], %[[A]]
func.func @select_constant_condition(%a: tensor<2xi32>, %b: tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>) {
  %f = sf.constant dense<false> : tensor<2xi1>
  %0 = sf.select %f, %a, %b : tensor<2xi32>
  %1 = sf.select %f, %a, %a : tensor<2xi32>
  return %0, %1 : tensor<2xi32>, tensor<2xi32>
}

// CHECK-LABEL: func.func @constant_folding
// CHECK-DAG: sf.constant dense<[4, 7]> : tensor<2xi32>
// CHECK-DAG: sf.constant dense<-2.500000e+00> : tensor<3xf32>
// CHECK-DAG: sf.constant dense<[200, 255]> : tensor<2xui8>
// CHECK-NOT: sf.add
// CHECK-NOT: sf.mul
func.func @constant_folding() -> (tensor<2xi32>, tensor<3xf32>, tensor<2xui8>) {
  %a = sf.constant dense<[1, 2]> : tensor<2xi32>
  %b = sf.constant dense<[3, 5]> : tensor<2xi32>
  %0 = sf.add %a, %b : tensor<2xi32>
  %c = sf.constant dense<2.5> : tensor<3xf32>
  %1 = sf.neg %c : tensor<3xf32>
  %u = sf.constant dense<[200, 3]> : tensor<2xui8>
  %v = sf.constant dense<[100, 255]> : tensor<2xui8>
  // Unsigned: 200 > 100 and 255 > 3.
  %2 = sf.maximum %u, %v : tensor<2xui8>
  return %0, %1, %2 : tensor<2xi32>, tensor<3xf32>, tensor<2xui8>
}
