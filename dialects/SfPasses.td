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

#endif // SF_PASSES_TD
