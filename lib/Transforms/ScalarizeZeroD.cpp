//===- ScalarizeZeroD.cpp - 0-d tensors of loops and linalg ops as scalars ===//
//
// A bufferized 0-d tensor is a heap buffer: a loop counter carried by an
// scf.while would cost an allocation, a copy and a free per iteration. Here
// loops carry such values as scalars and loop-free linalg ops compute on
// scalars; the tensor.extract / tensor.from_elements pairs this leaves at
// the boundaries fold away in canonicalization.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFSCALARIZEZEROD
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
bool isZeroD(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  return tensor && tensor.getRank() == 0;
}

Type scalarOf(Type t) {
  return isZeroD(t) ? cast<RankedTensorType>(t).getElementType() : t;
}

/// The scalar of a 0-d tensor value (anything else unchanged).
Value extracted(OpBuilder &b, Location loc, Value v) {
  return isZeroD(v.getType()) ? b.create<tensor::ExtractOp>(loc, v, ValueRange{})
                              : v;
}

/// Block arguments of 0-d tensor type become scalars, rewrapped for uses.
void scalarizeArguments(RewriterBase &rewriter, Block &block) {
  rewriter.setInsertionPointToStart(&block);
  for (BlockArgument arg : block.getArguments()) {
    Type type = arg.getType();
    if (!isZeroD(type))
      continue;
    arg.setType(scalarOf(type));
    auto wrapped = rewriter.create<tensor::FromElementsOp>(
        arg.getLoc(), type, ValueRange{arg});
    rewriter.replaceAllUsesExcept(arg, wrapped, wrapped);
  }
}

/// Operands `operands` of `op` that are 0-d tensors, replaced by scalars.
void scalarizeOperands(RewriterBase &rewriter, Operation *op,
                       MutableOperandRange operands) {
  rewriter.setInsertionPoint(op);
  for (OpOperand &operand : operands)
    if (isZeroD(operand.get().getType()))
      rewriter.modifyOpInPlace(op, [&] {
        operand.set(extracted(rewriter, op->getLoc(), operand.get()));
      });
}

/// The results of `scalar` standing in for those of `op`: its scalars
/// rewrapped where `op` had 0-d tensors.
SmallVector<Value> wrapResults(RewriterBase &rewriter, Location loc,
                               Operation *op, Operation *scalar) {
  SmallVector<Value> results;
  for (auto [old, now] : llvm::zip(op->getResults(), scalar->getResults()))
    results.push_back(isZeroD(old.getType())
                          ? rewriter.create<tensor::FromElementsOp>(
                                loc, old.getType(), ValueRange{now})
                          : Value(now));
  return results;
}

struct ScalarizeWhile : OpRewritePattern<scf::WhileOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(scf::WhileOp op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::any_of(op.getOperandTypes(), isZeroD) &&
        !llvm::any_of(op.getResultTypes(), isZeroD))
      return failure();
    Location loc = op.getLoc();
    SmallVector<Value> inits;
    for (Value init : op.getInits())
      inits.push_back(extracted(rewriter, loc, init));
    SmallVector<Type> types = llvm::map_to_vector(op.getResultTypes(), scalarOf);
    auto scalar = rewriter.create<scf::WhileOp>(loc, types, inits);
    rewriter.inlineRegionBefore(op.getBefore(), scalar.getBefore(),
                                scalar.getBefore().end());
    rewriter.inlineRegionBefore(op.getAfter(), scalar.getAfter(),
                                scalar.getAfter().end());
    scalarizeArguments(rewriter, scalar.getBefore().front());
    scalarizeArguments(rewriter, scalar.getAfter().front());
    scf::ConditionOp condition = scalar.getConditionOp();
    scalarizeOperands(rewriter, condition, condition.getArgsMutable());
    scf::YieldOp yield = scalar.getYieldOp();
    scalarizeOperands(rewriter, yield, yield.getResultsMutable());
    rewriter.setInsertionPointAfter(scalar);
    rewriter.replaceOp(op, wrapResults(rewriter, loc, op, scalar));
    return success();
  }
};

/// The results of both branches, as the loops' (an `if` inside a loop).
struct ScalarizeIf : OpRewritePattern<scf::IfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(scf::IfOp op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::any_of(op.getResultTypes(), isZeroD))
      return failure();
    Location loc = op.getLoc();
    SmallVector<Type> types = llvm::map_to_vector(op.getResultTypes(), scalarOf);
    auto scalar = rewriter.create<scf::IfOp>(loc, types, op.getCondition(),
                                             /*addThenBlock=*/false,
                                             /*addElseBlock=*/false);
    for (auto [from, to] : llvm::zip(op->getRegions(), scalar->getRegions())) {
      rewriter.inlineRegionBefore(from, to, to.end());
      auto yield = cast<scf::YieldOp>(to.front().getTerminator());
      scalarizeOperands(rewriter, yield, yield.getResultsMutable());
    }
    rewriter.setInsertionPointAfter(scalar);
    rewriter.replaceOp(op, wrapResults(rewriter, loc, op, scalar));
    return success();
  }
};

/// A linalg op without loops is its body once, on scalars.
struct ScalarizeZeroDGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumLoops() != 0 || !op.hasPureTensorSemantics() ||
        !llvm::all_of(op->getOperandTypes(), isZeroD))
      return failure();
    Location loc = op.getLoc();
    IRMapping mapping;
    Block *body = op.getBody();
    for (auto [arg, operand] :
         llvm::zip(body->getArguments(), op->getOperands()))
      mapping.map(arg, extracted(rewriter, loc, operand));
    for (Operation &inner : body->without_terminator())
      rewriter.clone(inner, mapping);
    SmallVector<Value> results;
    for (auto [value, type] : llvm::zip(body->getTerminator()->getOperands(),
                                        op->getResultTypes()))
      results.push_back(rewriter.create<tensor::FromElementsOp>(
          loc, type, ValueRange{mapping.lookupOrDefault(value)}));
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct SfScalarizeZeroDPass
    : public sf::impl::SfScalarizeZeroDBase<SfScalarizeZeroDPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScalarizeWhile, ScalarizeIf, ScalarizeZeroDGeneric>(&getContext());
    tensor::ExtractOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::FromElementsOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
