//===- CpuParallelize.cpp - outermost scf.forall -> scf.parallel ----------===//
//
// async-parallel-for turns every scf.parallel into async tasks; a parallel
// loop nested in another would block worker threads waiting on tasks that
// need workers, which deadlocks a small pool. So only the outermost forall of
// a nest becomes parallel.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFCPUPARALLELIZE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
/// Saturating arithmetic for work estimates.
int64_t capped(int64_t a, int64_t b, bool multiply) {
  constexpr int64_t kCap = int64_t(1) << 50;
  int64_t r = multiply ? (a > kCap / std::max<int64_t>(b, 1) ? kCap : a * b)
                       : a + b;
  return std::min(r, kCap);
}

/// Iterations of a loop dim, at most (partial tiles and peeled remainders
/// have bounds like `affine.min(18, n - i)`: their largest extent counts).
/// Loops of unknown extent count as many: a dynamic loop is rarely tiny.
int64_t tripCount(OpFoldResult lb, OpFoldResult ub, OpFoldResult step) {
  auto s = getConstantIntValue(step);
  if (!s || *s <= 0)
    return 1024;
  auto l = getConstantIntValue(lb), u = getConstantIntValue(ub);
  int64_t span;
  if (l && u) {
    span = *u - *l;
  } else {
    auto d0 = getAffineDimExpr(0, lb.getContext()),
         d1 = getAffineDimExpr(1, lb.getContext());
    ValueBoundsConstraintSet::Variable extent(
        AffineMap::get(2, 0, d0 - d1),
        {ValueBoundsConstraintSet::Variable(ub),
         ValueBoundsConstraintSet::Variable(lb)});
    FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB, extent, /*stopCondition=*/nullptr,
        /*closedUB=*/true);
    if (failed(bound))
      return 1024;
    span = *bound;
  }
  return std::max<int64_t>((span + *s - 1) / *s, 0);
}

/// Scalar operations `op` executes: vector results count their lanes, loops
/// multiply their bodies. An estimate of the work threads would share.
int64_t estimateWork(Operation *op) {
  int64_t trips = 1;
  if (auto loop = dyn_cast<scf::ForOp>(op))
    trips = tripCount(loop.getLowerBound(), loop.getUpperBound(),
                      loop.getStep());
  if (auto loop = dyn_cast<scf::ForallOp>(op))
    for (auto [lb, ub, step] :
         llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                   loop.getMixedStep()))
      trips = capped(trips, tripCount(lb, ub, step), true);
  int64_t work = 1;
  for (Type t : op->getResultTypes())
    if (auto v = dyn_cast<VectorType>(t))
      work = std::max(work, v.getNumElements());
  for (Region &region : op->getRegions())
    for (Operation &inner : region.getOps())
      work = capped(work, estimateWork(&inner), false);
  return capped(trips, work, true);
}

struct SfCpuParallelizePass
    : public sf::impl::SfCpuParallelizeBase<SfCpuParallelizePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForallOp> loops;
    getOperation().walk([&](scf::ForallOp loop) { loops.push_back(loop); });
    IRRewriter rewriter(&getContext());
    // Post-order: inner loops are rewritten while their parents are still
    // foralls, so "nested" is decided on the original nest.
    for (scf::ForallOp loop : loops) {
      if (!loop.getOutputs().empty()) {
        loop.emitError("sf-cpu-parallelize expects bufferized scf.forall "
                       "(no shared outputs)");
        return signalPassFailure();
      }
      bool nested = loop->getParentOfType<scf::ForallOp>() ||
                    loop->getParentOfType<scf::ParallelOp>();
      // Too little work to pay for waking threads (and for the task
      // functions async-parallel-for would add to the module).
      bool small = estimateWork(loop) < minParallelWork;
      rewriter.setInsertionPoint(loop);
      LogicalResult converted =
          (sequential || nested || small) ? scf::forallToForLoop(rewriter, loop)
                                 : scf::forallToParallelLoop(rewriter, loop);
      if (failed(converted)) {
        loop.emitError("sf-cpu-parallelize could not convert this loop");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
