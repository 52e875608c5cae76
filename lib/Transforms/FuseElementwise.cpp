//===- FuseElementwise.cpp - elementwise fusion, multi-use producers too --===//
//
// Upstream's linalg-fuse-elementwise-ops fuses a producer only into its
// single user. A train step reuses most elementwise values (the forward
// `x @ w + b` feeds relu and, in the backward pass, relu's mask), so there
// almost every chain would stay one loop and one temporary per op. Here a
// producer with several users is fused into an all-parallel consumer too,
// when its other users come after the consumer (the fused op takes the
// consumer's place) and its body is cheap arithmetic: fused into each of
// its consumers in turn, it may be recomputed rather than stored.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFFUSEELEMENTWISE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
bool singleUse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse();
}

/// Only arithmetic: fusing a multi-use producer into one consumer after
/// another can recompute it (as XLA's loop fusion duplicates cheap
/// producers); an exp or a log is worth storing once.
bool cheap(Operation *producer) {
  auto walk = producer->walk([](Operation *op) {
    return isa<math::MathDialect>(op->getDialect()) ? WalkResult::interrupt()
                                                     : WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

bool fusable(OpOperand *fused) {
  if (singleUse(fused))
    return true;
  Operation *producer = fused->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::GenericOp>(fused->getOwner());
  // 0-d ops have no loop to share (sf-scalarize-zero-d makes them scalars)
  if (!producer || !consumer || !cheap(producer) ||
      consumer.getNumLoops() == 0 ||
      consumer.getNumParallelLoops() != consumer.getNumLoops())
    return false;
  // Every other user must follow the consumer, where the fused op is built.
  return llvm::all_of(producer->getUsers(), [&](Operation *user) {
    return user == consumer.getOperation() ||
           (user->getBlock() == consumer->getBlock() &&
            consumer->isBeforeInBlock(user));
  });
}

/// Reshapes fold into ops by expanding their iteration spaces, but not into
/// matmuls: an expanded matmul is a generic contraction, which neither calls
/// the GEMM kernel nor gets the packed schedule (a copy made for the reshape
/// costs far less).
bool expandable(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return singleUse(fused) && !isa<linalg::MatmulOp>(fused->getOwner()) &&
         !isa_and_nonnull<linalg::MatmulOp>(producer);
}

struct SfFuseElementwisePass
    : public sf::impl::SfFuseElementwiseBase<SfFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    // The patterns and clean-ups of upstream's pass; only elementwise
    // fusion proper gets the multi-use control.
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusable);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, expandable);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
    // As upstream: a fixpoint not reached within the driver's iteration
    // limit still leaves valid, partly fused IR.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};
} // namespace
