//===- Common.cpp - helpers shared by the sf -> linalg patterns -----------===//
#include "Common.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;

SmallVector<OpFoldResult> sf::getMixedSizes(OpBuilder &b, Location loc,
                                            Value like, RankedTensorType type) {
  SmallVector<OpFoldResult> sizes;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(size))
      sizes.push_back(b.create<tensor::DimOp>(loc, like, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(size));
  }
  return sizes;
}

Value sf::emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                    Value like) {
  return b.create<tensor::EmptyOp>(loc, getMixedSizes(b, loc, like, type),
                                   type.getElementType());
}

Value sf::buildElementwise(OpBuilder &b, Location loc,
                           RankedTensorType resultType, ValueRange operands,
                           ScalarBody body) {
  Value init = emptyLike(b, loc, resultType, operands.front());
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps(operands.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{resultType}, operands, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        nb.create<linalg::YieldOp>(nloc, result);
      });
  return generic.getResult(0);
}

Value sf::filledTensor(OpBuilder &b, Location loc,
                       ArrayRef<OpFoldResult> sizes, Value scalar) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, scalar.getType());
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

Value sf::castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

Value sf::expandTo(OpBuilder &b, Location loc, Value src,
                   ArrayRef<ReassociationIndices> groups,
                   ArrayRef<OpFoldResult> sizes) {
  auto srcType = cast<RankedTensorType>(src.getType());
  SmallVector<int64_t> shape = llvm::map_to_vector(sizes, [](OpFoldResult s) {
    return getConstantIntValue(s).value_or(ShapedType::kDynamic);
  });
  auto type = RankedTensorType::get(shape, srcType.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, src, groups, sizes);
}

TypedAttr sf::lowestValue(Type elementType, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(elementType))
    return FloatAttr::get(f, APFloat::getInf(f.getFloatSemantics(), true));
  unsigned width = elementType.getIntOrFloatBitWidth();
  return IntegerAttr::get(elementType, isUnsigned ? APInt::getZero(width)
                                                  : APInt::getSignedMinValue(width));
}

TypedAttr sf::highestValue(Type elementType, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(elementType))
    return FloatAttr::get(f, APFloat::getInf(f.getFloatSemantics(), false));
  unsigned width = elementType.getIntOrFloatBitWidth();
  return IntegerAttr::get(elementType, isUnsigned ? APInt::getMaxValue(width)
                                                  : APInt::getSignedMaxValue(width));
}
