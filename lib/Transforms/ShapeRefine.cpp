//===- ShapeRefine.cpp - the ShapeRefine pass --------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFSHAPEREFINE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;
using namespace mlir::sf;

namespace {
struct SfShapeRefinePass : public sf::impl::SfShapeRefineBase<SfShapeRefinePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
