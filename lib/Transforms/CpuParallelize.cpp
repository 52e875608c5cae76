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

namespace mlir::sf {
#define GEN_PASS_DEF_SFCPUPARALLELIZE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
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
      rewriter.setInsertionPoint(loop);
      LogicalResult converted =
          (sequential || nested) ? scf::forallToForLoop(rewriter, loop)
                                 : scf::forallToParallelLoop(rewriter, loop);
      if (failed(converted)) {
        loop.emitError("sf-cpu-parallelize could not convert this loop");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
