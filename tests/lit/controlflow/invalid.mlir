// RUN: sf-opt %s -split-input-file -verify-diagnostics

func.func @if_condition_not_0d(%p: tensor<2xi1>, %x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{condition must be a 0-d i1 tensor (tensor<i1>), got 'tensor<2xi1>'}}
  %r = sf.if %p : tensor<2xi1> -> tensor<f32> {
    sf.yield %x : tensor<f32>
  } else {
    sf.yield %x : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

func.func @if_condition_not_i1(%p: tensor<i32>, %x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{condition must be a 0-d i1 tensor (tensor<i1>), got 'tensor<i32>'}}
  %r = sf.if %p : tensor<i32> -> tensor<f32> {
    sf.yield %x : tensor<f32>
  } else {
    sf.yield %x : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

func.func @if_then_yield_type(%p: tensor<i1>, %x: tensor<f32>, %y: tensor<i32>) -> tensor<f32> {
  // expected-error @+1 {{then branch yields ('tensor<i32>') must match the results ('tensor<f32>')}}
  %r = sf.if %p : tensor<i1> -> tensor<f32> {
    sf.yield %y : tensor<i32>
  } else {
    sf.yield %x : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

func.func @if_else_yield_count(%p: tensor<i1>, %x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{else branch yields ('tensor<f32>', 'tensor<f32>') must match the results ('tensor<f32>')}}
  %r = sf.if %p : tensor<i1> -> tensor<f32> {
    sf.yield %x : tensor<f32>
  } else {
    sf.yield %x, %x : tensor<f32>, tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

func.func @if_results_without_else(%p: tensor<i1>, %x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{has results, so it needs an else region}}
  %r = sf.if %p : tensor<i1> -> tensor<f32> {
    sf.yield %x : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

func.func @while_condition_type(%x: tensor<i32>) -> tensor<i32> {
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    // expected-error @+1 {{condition must be a 0-d i1 tensor (tensor<i1>), got 'tensor<i32>'}}
    sf.condition(%i : tensor<i32>) %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    sf.yield %i : tensor<i32>
  }
  return %r : tensor<i32>
}

// -----

func.func @while_before_args(%x: tensor<i32>, %p: tensor<i1>) -> tensor<i32> {
  // expected-error @+1 {{before region arguments ('tensor<f32>') must match the inits ('tensor<i32>')}}
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<f32>):
    sf.condition(%p : tensor<i1>) %x : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    sf.yield %i : tensor<i32>
  }
  return %r : tensor<i32>
}

// -----

func.func @while_forwarded(%x: tensor<i32>, %p: tensor<i1>) -> tensor<i32> {
  // expected-error @+1 {{sf.condition forwards () must match the results ('tensor<i32>')}}
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    sf.condition(%p : tensor<i1>)
  } do {
  ^bb0(%i: tensor<i32>):
    sf.yield %i : tensor<i32>
  }
  return %r : tensor<i32>
}

// -----

func.func @while_after_args(%x: tensor<i32>, %p: tensor<i1>) -> tensor<i32> {
  // expected-error @+1 {{do region arguments ('tensor<i32>', 'tensor<i32>') must match the results ('tensor<i32>')}}
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    sf.condition(%p : tensor<i1>) %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>, %j: tensor<i32>):
    sf.yield %i : tensor<i32>
  }
  return %r : tensor<i32>
}

// -----

func.func @while_yield(%x: tensor<i32>, %p: tensor<i1>) -> tensor<i32> {
  // expected-error @+1 {{do region yields () must match the inits ('tensor<i32>')}}
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    sf.condition(%p : tensor<i1>) %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    sf.yield
  }
  return %r : tensor<i32>
}

// -----

func.func @while_before_terminator(%x: tensor<i32>) -> tensor<i32> {
  // expected-error @+1 {{before region must end with sf.condition}}
  %r = sf.while (%x) : (tensor<i32>) -> tensor<i32> {
  ^bb0(%i: tensor<i32>):
    sf.yield %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    sf.yield %i : tensor<i32>
  }
  return %r : tensor<i32>
}

// -----

func.func @yield_outside(%x: tensor<i32>) {
  // expected-error @+1 {{expects parent op to be one of 'sf.if, sf.while'}}
  sf.yield %x : tensor<i32>
}
