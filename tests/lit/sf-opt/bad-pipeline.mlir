// An unknown pass name: an error naming it, no crash.
// RUN: not sf-opt %s --pass-pipeline='builtin.module(sf-no-such-pass)' 2>&1 | FileCheck %s
// CHECK: sf-no-such-pass

func.func @f() {
  return
}
