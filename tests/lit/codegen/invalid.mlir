// RUN: sf-opt %s --pass-pipeline="builtin.module(func.func(sf-cpu-tile-and-vectorize{target=sse2}))" -verify-diagnostics

// expected-error @+1 {{unknown target 'sse2' (expected avx512 or avx2)}}
func.func @f() {
  return
}

