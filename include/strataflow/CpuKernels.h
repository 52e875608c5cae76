//===- CpuKernels.h - ops computed by the precompiled CPU kernels -*- C++ -*-===//
//
// libsf_kernels (lib/Kernels) holds kernels compiled ahead of time from MLIR.
// The tensor-level schedule leaves the ops they compute alone; after
// bufferization `sf-cpu-gemm-to-call` turns those ops into calls.
//
//===----------------------------------------------------------------------===//
#ifndef STRATAFLOW_CPUKERNELS_H
#define STRATAFLOW_CPUKERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::sf {

/// Whether the GEMM kernel computes `op`: a linalg.matmul of 2-D f32
/// operands (either may be transposed by its indexing map) with at least
/// 32^3 multiply-adds or a dynamic size. Smaller ones compile inline: a
/// call, packing and a parallel region would cost more than they compute.
bool isKernelGemm(linalg::LinalgOp op);

} // namespace mlir::sf

#endif // STRATAFLOW_CPUKERNELS_H
