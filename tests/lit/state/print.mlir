// RUN: sf-opt %s --sf-to-linalg | FileCheck %s

// sf.print calls the runtime function for its element type (declared once)
// with the NUL-terminated message and a read-only view of the values.
// CHECK-LABEL: func.func private @sf_print_ui8(memref<?xi8>, memref<*xi8>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func private @sf_print_f32(memref<?xi8>, memref<*xf32>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @print
// CHECK: %[[MSG:.*]] = arith.constant dense<[104, 105, 0]> : tensor<3xi8>
// CHECK: %[[MB:.*]] = bufferization.to_buffer %[[MSG]] read_only
// CHECK: %[[M:.*]] = memref.cast %[[MB]] : {{.*}} to memref<?xi8>
// CHECK: %[[XB:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x2xf32> to memref<2x2xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[X:.*]] = memref.cast %[[XB]] : {{.*}} to memref<*xf32>
// CHECK: call @sf_print_f32(%[[M]], %[[X]])
// CHECK: call @sf_print_f32
// CHECK: call @sf_print_ui8
func.func @print(%x: tensor<2x2xf32>, %u: tensor<3xui8>) {
  sf.print %x {message = "hi"} : tensor<2x2xf32>
  sf.print %x : tensor<2x2xf32>
  sf.print %u : tensor<3xui8>
  return
}

// Bools are printed from a byte copy (i1 buffers do not lower to LLVM).
// CHECK-LABEL: func.func @print_bool
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<3xi1>)
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK: bufferization.to_buffer %[[B]] read_only : tensor<3xi8>
// CHECK: call @sf_print_i1(%{{.*}}, %{{.*}}) : (memref<?xi8>, memref<*xi8>) -> ()
func.func @print_bool(%b: tensor<3xi1>) {
  sf.print %b : tensor<3xi1>
  return
}
