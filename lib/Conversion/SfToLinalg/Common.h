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

/// tensor.empty of `sizes` filled with `scalar`: the init of a linalg op
/// that accumulates.
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value scalar);

/// `value` as `type` (a tensor.cast when only static-ness differs).
Value castTo(OpBuilder &b, Location loc, Value value, Type type);

/// tensor.expand_shape of `src` to `sizes`, grouping dims by `groups`.
Value expandTo(OpBuilder &b, Location loc, Value src,
               ArrayRef<ReassociationIndices> groups,
               ArrayRef<OpFoldResult> sizes);

/// The smallest/largest value of a float (-inf/+inf) or integer element type;
/// `isUnsigned` reads integers as unsigned. The identities of max and min.
TypedAttr lowestValue(Type elementType, bool isUnsigned);
TypedAttr highestValue(Type elementType, bool isUnsigned);

} // namespace mlir::sf

#endif // STRATAFLOW_CONVERSION_COMMON_H
