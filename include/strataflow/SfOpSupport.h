//===- SfOpSupport.h - helpers that ODS-generated op code calls -*- C++ -*-===//
//
// Type inference, verification and folding shared by whole op families; the
// ops' `extraClassDefinition`s call these, so one definition serves a family.
//
//===----------------------------------------------------------------------===//
#ifndef STRATAFLOW_SFOPSUPPORT_H
#define STRATAFLOW_SFOPSUPPORT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace mlir::OpTrait {
/// Marker of Sf_InferTypeFromAdaptor (dialects/SfTraits.td).
template <typename ConcreteType>
class SfInferTypeFromAdaptor
    : public TraitBase<ConcreteType, SfInferTypeFromAdaptor> {};
} // namespace mlir::OpTrait

namespace mlir::sf {

/// The Adaptor that result type inference reads, with complete properties in
/// `storage`: taken from `properties` or, before the op exists, converted from
/// `attributes`; default-valued ones filled in. Fails (with an error) when a
/// required attribute is missing or mistyped.
template <typename OpTy>
FailureOr<typename OpTy::Adaptor>
inferenceAdaptor(MLIRContext *context, std::optional<Location> loc,
                 ValueRange operands, DictionaryAttr attributes,
                 OpaqueProperties properties, RegionRange regions,
                 typename OpTy::Properties &storage) {
  if (!attributes)
    attributes = DictionaryAttr::get(context);
  if (properties) {
    storage = *properties.as<typename OpTy::Properties *>();
  } else if (failed(OpTy::setPropertiesFromAttr(storage, attributes, [&] {
               return emitError(loc.value_or(UnknownLoc::get(context)));
             }))) {
    return failure();
  }
  OpTy::populateDefaultProperties(
      OperationName(OpTy::getOperationName(), context), storage);
  return typename OpTy::Adaptor(operands, attributes,
                                OpaqueProperties(&storage), regions);
}

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
