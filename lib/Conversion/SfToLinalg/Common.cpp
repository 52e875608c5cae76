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
