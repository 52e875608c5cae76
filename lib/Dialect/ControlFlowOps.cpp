//===- ControlFlowOps.cpp - sf.if / sf.while: verifiers, region flow ------===//
#include "strataflow/SfDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::sf;

/// Conditions are 0-d i1 tensors, as TensorFlow predicates are.
static LogicalResult verifyCondition(Operation *op, Value cond) {
  auto type = cast<RankedTensorType>(cond.getType());
  if (type.getRank() == 0 && type.getElementType().isInteger(1))
    return success();
  return op->emitOpError("condition must be a 0-d i1 tensor (tensor<i1>), got ")
         << type;
}

/// Checks that `actual` equals `expected`, naming both in the error.
static LogicalResult verifyTypes(Operation *op, TypeRange actual,
                                 TypeRange expected, StringRef actualWhat,
                                 StringRef expectedWhat) {
  if (actual == expected)
    return success();
  auto diag = op->emitOpError() << actualWhat << " (";
  llvm::interleaveComma(actual, diag);
  diag << ") must match " << expectedWhat << " (";
  llvm::interleaveComma(expected, diag);
  return diag << ")";
}

/// The value of a constant 0-d i1 condition, if it is one.
static std::optional<bool> constantCondition(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat() || !dense.getElementType().isInteger(1))
    return std::nullopt;
  return dense.getSplatValue<bool>();
}

//===----------------------------------------------------------------------===//
// sf.if
//===----------------------------------------------------------------------===//

LogicalResult IfOp::verify() {
  if (failed(verifyCondition(*this, getCond())))
    return failure();
  if (getElseRegion().empty()) {
    if (getNumResults() != 0)
      return emitOpError("has results, so it needs an else region");
  } else {
    auto yield = cast<YieldOp>(getElseRegion().front().getTerminator());
    if (failed(verifyTypes(*this, yield.getValues().getTypes(),
                           getResultTypes(), "else branch yields",
                           "the results")))
      return failure();
  }
  auto yield = cast<YieldOp>(getThenRegion().front().getTerminator());
  return verifyTypes(*this, yield.getValues().getTypes(), getResultTypes(),
                     "then branch yields", "the results");
}

void IfOp::getSuccessorRegions(RegionBranchPoint point,
                               SmallVectorImpl<RegionSuccessor> &regions) {
  // Both branches return to the parent.
  if (!point.isParent()) {
    regions.emplace_back(getOperation(), getOperation()->getResults());
    return;
  }
  regions.emplace_back(&getThenRegion());
  if (getElseRegion().empty())
    regions.emplace_back(getOperation(), getOperation()->getResults());
  else
    regions.emplace_back(&getElseRegion());
}

void IfOp::getEntrySuccessorRegions(ArrayRef<Attribute> operands,
                                    SmallVectorImpl<RegionSuccessor> &regions) {
  std::optional<bool> cond = constantCondition(operands.front());
  if (!cond)
    return getSuccessorRegions(RegionBranchPoint::parent(), regions);
  Region &taken = *cond ? getThenRegion() : getElseRegion();
  if (taken.empty())
    regions.emplace_back(getOperation(), getOperation()->getResults());
  else
    regions.emplace_back(&taken);
}

namespace {
/// sf.if on a constant condition: inline the branch taken.
struct InlineConstantIf : OpRewritePattern<IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfOp op,
                                PatternRewriter &rewriter) const override {
    Attribute attr;
    if (!matchPattern(op.getCond(), m_Constant(&attr)))
      return failure();
    std::optional<bool> cond = constantCondition(attr);
    if (!cond)
      return failure();
    Region &taken = *cond ? op.getThenRegion() : op.getElseRegion();
    if (taken.empty()) {
      rewriter.eraseOp(op);
      return success();
    }
    Block *block = &taken.front();
    auto yield = cast<YieldOp>(block->getTerminator());
    SmallVector<Value> results(yield.getValues());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(block, op);
    rewriter.replaceOp(op, results);
    return success();
  }
};
} // namespace

void IfOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                       MLIRContext *context) {
  results.add<InlineConstantIf>(context);
}

//===----------------------------------------------------------------------===//
// sf.while
//===----------------------------------------------------------------------===//

LogicalResult WhileOp::verify() {
  Block &before = getBefore().front();
  Block &after = getAfter().front();
  auto condition = dyn_cast_or_null<ConditionOp>(
      before.empty() ? nullptr : &before.back());
  if (!condition)
    return emitOpError("before region must end with sf.condition");
  auto yield =
      dyn_cast_or_null<YieldOp>(after.empty() ? nullptr : &after.back());
  if (!yield)
    return emitOpError("do region must end with sf.yield");
  if (failed(verifyTypes(*this, before.getArgumentTypes(),
                         getInits().getTypes(), "before region arguments",
                         "the inits")) ||
      failed(verifyTypes(*this, condition.getArgs().getTypes(),
                         getResultTypes(), "sf.condition forwards",
                         "the results")) ||
      failed(verifyTypes(*this, after.getArgumentTypes(), getResultTypes(),
                         "do region arguments", "the results")))
    return failure();
  return verifyTypes(*this, yield.getValues().getTypes(),
                     getInits().getTypes(), "do region yields", "the inits");
}

OperandRange WhileOp::getEntrySuccessorOperands(RegionSuccessor) {
  return getInits();
}

void WhileOp::getSuccessorRegions(RegionBranchPoint point,
                                  SmallVectorImpl<RegionSuccessor> &regions) {
  // Entering the op or finishing the body: evaluate the condition.
  if (point.isParent() ||
      point.getTerminatorPredecessorOrNull()->getParentRegion() ==
          &getAfter()) {
    regions.emplace_back(&getBefore(), getBefore().getArguments());
    return;
  }
  // From sf.condition: exit with the forwarded values, or run the body.
  regions.emplace_back(getOperation(), getOperation()->getResults());
  regions.emplace_back(&getAfter(), getAfter().getArguments());
}

//===----------------------------------------------------------------------===//
// sf.condition
//===----------------------------------------------------------------------===//

LogicalResult ConditionOp::verify() {
  return verifyCondition(*this, getCondition());
}

MutableOperandRange ConditionOp::getMutableSuccessorOperands(RegionSuccessor) {
  return getArgsMutable();
}
