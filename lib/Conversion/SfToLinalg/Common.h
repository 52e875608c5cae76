//===- Common.h - helpers shared by the sf -> linalg patterns --*- C++ -*-===//
#ifndef STRATAFLOW_CONVERSION_COMMON_H
#define STRATAFLOW_CONVERSION_COMMON_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::sf {

/// The sizes of `type` with dynamic dims read from `like` (a tensor of the
/// same shape).
SmallVector<OpFoldResult> getMixedSizes(OpBuilder &b, Location loc, Value like,
                                        RankedTensorType type);

/// tensor.empty of `type`, dynamic dims taken from `like`.
Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type, Value like);

/// A linalg.generic with identity maps and parallel iterators over operands
/// of the result's shape; `body` maps the scalar operands to the scalar result.
using ScalarBody =
    function_ref<Value(OpBuilder &, Location, ValueRange scalars)>;
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBody body);

} // namespace mlir::sf

#endif // STRATAFLOW_CONVERSION_COMMON_H
