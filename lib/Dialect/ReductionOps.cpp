//===- ReductionOps.cpp - inference, verifiers, folders of reductions -----===//
#include "strataflow/SfDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;

LogicalResult sf::inferReducedType(std::optional<Location> loc,
                                   StringRef opName, Type inputType,
                                   ArrayRef<int64_t> axes, bool keepdims,
                                   SmallVectorImpl<Type> &inferred) {
  auto input = dyn_cast<RankedTensorType>(inputType);
  if (!input)
    return emitOptionalError(loc, opName, ": input must be a ranked tensor");
  int64_t rank = input.getRank();
  llvm::SmallBitVector reduced(rank);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return emitOptionalError(loc, opName, ": axis ", axis,
                               " is out of range for rank ", rank);
    int64_t dim = axis < 0 ? axis + rank : axis;
    if (reduced.test(dim))
      return emitOptionalError(loc, opName, ": axes [", axes,
                               "] name dim ", dim, " twice");
    reduced.set(dim);
  }
  SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (!reduced.test(dim))
      shape.push_back(input.getDimSize(dim));
    else if (keepdims)
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

SmallVector<int64_t> sf::normalizedAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> dims = llvm::map_to_vector(
      axes, [&](int64_t axis) { return axis < 0 ? axis + rank : axis; });
  llvm::sort(dims);
  return dims;
}

OpFoldResult sf::foldTrivialReduction(Value input, ArrayRef<int64_t> dims,
                                      Type resultType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type != resultType ||
      llvm::any_of(dims, [&](int64_t d) { return type.getDimSize(d) != 1; }))
    return {};
  return input;
}

LogicalResult sf::verifyArgReduction(Operation *op, int64_t axis) {
  auto input = cast<RankedTensorType>(op->getOperand(0).getType());
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = input.getRank();
  if (failed(verifyAxis(op, axis, rank)))
    return failure();
  SmallVector<int64_t> expected(input.getShape());
  expected.erase(expected.begin() + (axis < 0 ? axis + rank : axis));
  if (failed(verifyCompatibleShape(expected, result.getShape())))
    return op->emitOpError("result type ")
           << result << " must have the input shape without dim " << axis
           << " (" << RankedTensorType::get(expected, result.getElementType())
           << ")";
  return success();
}

OpFoldResult sf::foldTrivialArgReduction(RankedTensorType input, int64_t axis,
                                         RankedTensorType result) {
  if (input.getDimSize(axis) != 1 || !result.hasStaticShape())
    return {};
  return DenseElementsAttr::get(
      result, IntegerAttr::get(result.getElementType(), 0));
}
