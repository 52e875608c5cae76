//===- SfPasses.h - strataflow passes and pipelines ------------*- C++ -*-===//
#ifndef STRATAFLOW_SFPASSES_H
#define STRATAFLOW_SFPASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::sf {

#define GEN_PASS_DECL
#include "strataflow/SfPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "strataflow/SfPasses.h.inc"

/// Registers sf passes and the named pipelines (sf-lower-to-linalg,
/// sf-lower-to-loops, sf-lower-to-llvm).
void registerSfPassesAndPipelines();

} // namespace mlir::sf

#endif // STRATAFLOW_SFPASSES_H
