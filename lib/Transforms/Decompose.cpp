//===- Decompose.cpp - the Decompose pass --------------------------------===//
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
struct SfDecomposePass : public sf::impl::SfDecomposeBase<SfDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
