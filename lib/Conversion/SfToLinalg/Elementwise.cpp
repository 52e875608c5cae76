//===- Elementwise.cpp - elementwise sf ops -> linalg.generic -------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sf;

namespace {
struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    auto value = cast<ElementsAttr>(op.getValue());
    if (type != value.getType()) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "non-dense unsigned constant");
      value = dense.bitcast(type.getElementType());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    bool isFloat = isa<FloatType>(type.getElementType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange s) -> Value {
          if (isFloat)
            return b.create<arith::AddFOp>(loc, s[0], s[1]);
          return b.create<arith::AddIOp>(loc, s[0], s[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void sf::populateElementwiseToLinalgPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, AddLowering>(converter, patterns.getContext());
}
