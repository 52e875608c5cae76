//===- Decompose.cpp - composite sf ops into sf primitives ----------------===//
//
// softmax(x) = e / sum(e) and log_softmax(x) = d - log(sum(e)) along `axis`,
// with d = x - max(x) and e = exp(d): subtracting the maximum keeps exp from
// overflowing. Reductions keep the axis (size 1) and are broadcast back to
// x's shape, so sf-to-linalg only ever sees primitives.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFDECOMPOSE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;
using namespace mlir::sf;

namespace {
/// `value` (with size-1 dims) broadcast to the shape of `like`.
Value broadcastLike(OpBuilder &b, Location loc, Value value, Value like) {
  Value shape = ShapeOfOp::create(b, loc, like);
  return BroadcastToOp::create(b, loc, like.getType(), value, shape);
}

/// The shared part of softmax and log_softmax along `axis`.
struct ShiftedExp {
  Value shifted; // x - max(x)
  Value exp;     // exp(shifted)
  Value sum;     // sum(exp) with the axis kept as size 1
};

ShiftedExp buildShiftedExp(OpBuilder &b, Location loc, Value x, int64_t axis) {
  Value max = ReduceMaxOp::create(b, loc, x, ArrayRef<int64_t>{axis},
                                  /*keepdims=*/true);
  Value shifted = SubOp::create(b, loc, x, broadcastLike(b, loc, max, x));
  Value exp = ExpOp::create(b, loc, shifted);
  Value sum = ReduceSumOp::create(b, loc, exp, ArrayRef<int64_t>{axis},
                                  /*keepdims=*/true);
  return {shifted, exp, sum};
}

struct DecomposeSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ShiftedExp parts =
        buildShiftedExp(rewriter, loc, op.getInput(), op.getNormalizedAxis());
    rewriter.replaceOpWithNewOp<DivOp>(
        op, parts.exp, broadcastLike(rewriter, loc, parts.sum, op.getInput()));
    return success();
  }
};

struct DecomposeLogSoftmax : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ShiftedExp parts =
        buildShiftedExp(rewriter, loc, op.getInput(), op.getNormalizedAxis());
    Value logSum = LogOp::create(rewriter, loc, parts.sum);
    rewriter.replaceOpWithNewOp<SubOp>(
        op, parts.shifted,
        broadcastLike(rewriter, loc, logSum, op.getInput()));
    return success();
  }
};

struct SfDecomposePass : public sf::impl::SfDecomposeBase<SfDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeSoftmax, DecomposeLogSoftmax>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
