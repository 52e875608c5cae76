// RUN: sf-opt %s --split-input-file --pass-pipeline="builtin.module(llvm.func(sf-prepare-fast-isel))" | FileCheck %s

// Fields read back from a descriptor built in the function come from the
// values inserted; inserts that nothing reads go.
// CHECK-LABEL: llvm.func @forwarded
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr, %[[N:.*]]: i64)
// CHECK-NOT: llvm.insertvalue
// CHECK-NOT: llvm.extractvalue
// CHECK: llvm.getelementptr %[[P]][%[[N]]]
llvm.func @forwarded(%p: !llvm.ptr, %n: i64) -> !llvm.ptr {
  %u = llvm.mlir.poison : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %d0 = llvm.insertvalue %p, %u[0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %d1 = llvm.insertvalue %p, %d0[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %d2 = llvm.insertvalue %n, %d1[3, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %q = llvm.extractvalue %d2[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %m = llvm.extractvalue %d2[3, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %r = llvm.getelementptr %q[%m] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.return %r : !llvm.ptr
}

// -----

// A struct that is returned is built in the returning block, so that only
// that block needs the slow instruction selector.
// CHECK-LABEL: llvm.func @returned
// CHECK: llvm.br ^bb1
// CHECK: ^bb1:
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.return
llvm.func @returned(%p: !llvm.ptr, %n: i64) -> !llvm.struct<(ptr, i64)> {
  %u = llvm.mlir.poison : !llvm.struct<(ptr, i64)>
  %d0 = llvm.insertvalue %p, %u[0] : !llvm.struct<(ptr, i64)>
  %d1 = llvm.insertvalue %n, %d0[1] : !llvm.struct<(ptr, i64)>
  llvm.br ^bb1
^bb1:
  llvm.return %d1 : !llvm.struct<(ptr, i64)>
}

// -----

// CHECK-LABEL: llvm.func @bool_to_float
// CHECK: %[[W:.*]] = llvm.zext %{{.*}} : i1 to i32
// CHECK: llvm.sitofp %[[W]] : i32 to f32
// CHECK-NOT: llvm.uitofp
llvm.func @bool_to_float(%b: i1) -> f32 {
  %f = llvm.uitofp %b : i1 to f32
  llvm.return %f : f32
}
