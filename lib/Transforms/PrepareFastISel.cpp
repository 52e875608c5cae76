//===- PrepareFastISel.cpp - LLVM dialect for opt-level-0 code generation -===//
//
// See SfPasses.td. The MLP train step's first-tier code generation took
// ~30% fewer instructions with it.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFPREPAREFASTISEL
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
/// Replaces `extract` by the field's inserted value when its folder finds it.
void forward(LLVM::ExtractValueOp extract) {
  SmallVector<OpFoldResult, 1> folded;
  if (failed(extract->fold(folded)) || folded.size() != 1)
    return;
  // The folder either names the inserted value or rewrites the extract in
  // place to read an inner container (and returns its own result).
  if (auto value = dyn_cast<Value>(folded.front());
      value && value != extract.getResult()) {
    extract.getResult().replaceAllUsesWith(value);
    extract->erase();
  }
}

struct SfPrepareFastISelPass
    : public sf::impl::SfPrepareFastISelBase<SfPrepareFastISelPass> {
  void runOnOperation() override {
    // Producers come before users in a walk: a chain of extracts is
    // forwarded outside in.
    getOperation().walk(forward);
    SmallVector<LLVM::InsertValueOp> inserts;
    getOperation().walk(
        [&](LLVM::InsertValueOp insert) { inserts.push_back(insert); });
    // Users before producers: erasing or moving an insert frees or moves
    // the one it extends next. A moved insert's operands dominate its old
    // place, which dominates its user.
    for (LLVM::InsertValueOp insert : llvm::reverse(inserts)) {
      if (insert->use_empty()) {
        insert->erase();
        continue;
      }
      if (!insert->hasOneUse())
        continue;
      Operation *user = *insert->user_begin();
      if (user->getBlock() != insert->getBlock())
        insert->moveBefore(user);
    }
    getOperation().walk([](LLVM::UIToFPOp convert) {
      if (!convert.getArg().getType().isInteger(1))
        return;
      OpBuilder b(convert);
      Value wide = b.create<LLVM::ZExtOp>(convert.getLoc(), b.getI32Type(),
                                          convert.getArg());
      convert.replaceAllUsesWith(
          b.create<LLVM::SIToFPOp>(convert.getLoc(), convert.getType(), wide)
              .getResult());
      convert->erase();
    });
  }
};
} // namespace
