//===- ControlFlow.cpp - sf.if / sf.while -> scf.if / scf.while -----------===//
//
// The regions move into the scf op unchanged; the ops inside them (the
// terminators included) are converted by their own patterns. A tensor<i1>
// condition becomes the i1 scalar scf needs through tensor.extract.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sf;

/// The i1 scalar held by a tensor<i1> condition.
static Value extractCondition(OpBuilder &b, Location loc, Value cond) {
  return b.create<tensor::ExtractOp>(loc, cond, ValueRange{});
}

namespace {
struct IfLowering : OpConversionPattern<IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(op, "unconvertible result types");
    Value cond = extractCondition(rewriter, op.getLoc(), adaptor.getCond());
    auto scfIf = rewriter.create<scf::IfOp>(op.getLoc(), types, cond,
                                            /*addThenBlock=*/false,
                                            /*addElseBlock=*/false);
    for (auto [from, to] : llvm::zip(op->getRegions(), scfIf->getRegions()))
      rewriter.inlineRegionBefore(from, to, to.end());
    rewriter.replaceOp(op, scfIf.getResults());
    return success();
  }
};

struct WhileLowering : OpConversionPattern<WhileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WhileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(op, "unconvertible result types");
    auto scfWhile = rewriter.create<scf::WhileOp>(
        op.getLoc(), types, adaptor.getInits(), ArrayRef<NamedAttribute>{});
    for (auto [from, to] : llvm::zip(op->getRegions(), scfWhile->getRegions())) {
      rewriter.inlineRegionBefore(from, to, to.end());
      if (failed(rewriter.convertRegionTypes(&to, *getTypeConverter())))
        return rewriter.notifyMatchFailure(op, "unconvertible region types");
    }
    rewriter.replaceOp(op, scfWhile.getResults());
    return success();
  }
};

struct YieldLowering : OpConversionPattern<YieldOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(YieldOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<scf::YieldOp>(op, adaptor.getValues());
    return success();
  }
};

struct ConditionLowering : OpConversionPattern<ConditionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConditionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value cond =
        extractCondition(rewriter, op.getLoc(), adaptor.getCondition());
    rewriter.replaceOpWithNewOp<scf::ConditionOp>(op, cond, adaptor.getArgs());
    return success();
  }
};
} // namespace

void sf::populateControlFlowToScfPatterns(TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<IfLowering, WhileLowering, YieldLowering, ConditionLowering>(
      converter, patterns.getContext());
}
