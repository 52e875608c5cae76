//===- SfPasses.td - strataflow's passes ---------------------------------===//
#ifndef SF_PASSES_TD
#define SF_PASSES_TD

include "mlir/Pass/PassBase.td"

def SfToLinalg : Pass<"sf-to-linalg", "ModuleOp"> {
  let summary = "Lower sf ops to linalg/tensor/arith/math/scf on tensors";
  let description = [{
    Every sf op becomes upstream tensor-level IR; sf.if/sf.while become
    scf.if/scf.while. Elementwise ops become linalg.generic so that
    upstream elementwise fusion merges chains.
    ```mlir
    %z = sf.add %x, %y : tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %z = linalg.generic {...} ins(%x, %y ...) outs(%e ...) { arith.addf }
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::func::FuncDialect"
  ];
}

def SfDecompose : Pass<"sf-decompose", "ModuleOp"> {
  let summary = "Rewrite composite sf ops (softmax, log_softmax, ...) into primitives";
  let description = [{
    ```mlir
    %y = sf.softmax %x {axis = -1} : tensor<2x3xf32>
    // becomes max-subtracted exp / sum over the axis in sf primitives
    ```
  }];
}

def SfShapeRefine : Pass<"sf-shape-refine", "ModuleOp"> {
  let summary = "Propagate static shapes through sf ops after specialization";
  let description = [{
    Re-infers result types from operand types so that dims that became
    static (e.g. after a function is specialized to concrete shapes) are
    static downstream; inserts `tensor.cast` where a use needs the old type.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def SfWidenBoolMemrefs : Pass<"sf-widen-bool-memrefs", "ModuleOp"> {
  let summary = "Store i1 buffers as i8 (this LLVM lowering aborts on i1 stores)";
  let description = [{
    Runs after bufferization. Every `memref<...xi1>` (allocations, views,
    globals, function arguments and results) becomes `memref<...xi8>`;
    loads truncate to i1 and stores zero-extend, so values stay i1 in
    registers and bools are one byte 0/1 in memory, as NumPy's.
    ```mlir
    memref.store %b, %m[%i] : memref<?xi1>
    // becomes
    %w = arith.extui %b : i1 to i8
    memref.store %w, %m[%i] : memref<?xi8>
    ```
    Vector loads/stores/transfers of i1 buffers are widened the same way;
    ops it cannot retype (e.g. vector gathers) make it fail with a
    diagnostic instead of reaching the aborting lowering.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // SF_PASSES_TD
