//===- SfOpSupport.h - helpers that ODS-generated op code calls -*- C++ -*-===//
//
// Type inference, verification and folding shared by whole op families; the
// ops' `extraClassDefinition`s call these, so one definition serves a family.
//
//===----------------------------------------------------------------------===//
#ifndef STRATAFLOW_SFOPSUPPORT_H
#define STRATAFLOW_SFOPSUPPORT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace mlir::sf {

/// Pairwise: ranked tensors with equal element types and compatible shapes,
/// so a written result type may be more or less static than the inferred one.
bool areCompatibleTensorTypes(TypeRange inferred, TypeRange actual);

/// `axis` must lie in [-rank, rank).
LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank);

/// Result type of a reduction of `input` over `axes` (verified here: in range,
/// no repeats); errors go to `loc` when given.
LogicalResult inferReducedType(std::optional<Location> loc, StringRef opName,
                               Type input, ArrayRef<int64_t> axes,
                               bool keepdims, SmallVectorImpl<Type> &inferred);

/// Valid `axes` mapped into [0, rank) and sorted.
SmallVector<int64_t> normalizedAxes(ArrayRef<int64_t> axes, int64_t rank);

/// `input` when reducing `dims` changes nothing (all size 1, result of the
/// input's type), else null.
OpFoldResult foldTrivialReduction(Value input, ArrayRef<int64_t> dims,
                                  Type resultType);

/// argmax/argmin: valid axis, result shape = input shape without the axis.
LogicalResult verifyArgReduction(Operation *op, int64_t axis);

/// Zeros when `axis` has size 1 and the result is static, else null.
OpFoldResult foldTrivialArgReduction(RankedTensorType input, int64_t axis,
                                     RankedTensorType result);

} // namespace mlir::sf

#endif // STRATAFLOW_SFOPSUPPORT_H
