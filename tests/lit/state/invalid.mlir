// RUN: sf-opt %s -split-input-file -verify-diagnostics

func.func @assign_wrong_type(%v: !sf.variable<tensor<2xf32>>, %x: tensor<3xf32>) {
  // expected-error @+1 {{'value' has the value type of 'variable'}}
  "sf.assign"(%v, %x) : (!sf.variable<tensor<2xf32>>, tensor<3xf32>) -> ()
  return
}

// -----

func.func @read_wrong_type(%v: !sf.variable<tensor<2xf32>>) -> tensor<2xi32> {
  // expected-error @+1 {{'result' has the value type of 'variable'}}
  %r = "sf.read"(%v) : (!sf.variable<tensor<2xf32>>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}

// -----

func.func @assign_to_tensor(%v: tensor<2xf32>, %x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be a handle to mutable state holding one tensor}}
  "sf.assign_add"(%v, %x) : (tensor<2xf32>, tensor<2xf32>) -> ()
  return
}
