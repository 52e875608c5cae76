//===- SfShapeSupport.h - shape arithmetic shared by ops and lowering -*- C++ -*-===//
//
// Index arithmetic that type inference (lib/Dialect/ShapeOps.cpp) and the
// lowering (lib/Conversion/SfToLinalg/Shape.cpp) must agree on.
//
//===----------------------------------------------------------------------===//
#ifndef STRATAFLOW_SFSHAPESUPPORT_H
#define STRATAFLOW_SFSHAPESUPPORT_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <utility>

namespace mlir::sf {

/// Python's `slice(begin, end, stride).indices(size)` for one dim: the first
/// index taken and the number of elements (stride != 0).
std::pair<int64_t, int64_t> pythonSliceIndices(int64_t begin, int64_t end,
                                               int64_t stride, int64_t size);

/// gather's `axis` and `batch_dims` normalized to [0, rank); errors go to
/// `loc` when given.
FailureOr<std::pair<int64_t, int64_t>>
gatherAxisAndBatchDims(std::optional<Location> loc, int64_t paramsRank,
                       int64_t indicesRank, int64_t axis, int64_t batchDims);

} // namespace mlir::sf

#endif // STRATAFLOW_SFSHAPESUPPORT_H
