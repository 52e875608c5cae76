//===- ShapeRefine.cpp - make static what operand types say is static -----===//
//
// Walks sf ops in program order and recomputes their result types from their
// operands, looking through tensor.cast ops that hid static shapes:
//  - SameOperandsAndResultType ops take the most static of their operand
//    types (operands still less static get a tensor.cast up to it, so every
//    operand and the result keep one type and the IR still round-trips);
//  - InferTypeOpInterface ops re-run their inference (the change is kept
//    only if the op still verifies).
// A result only ever gains static dims. Uses that are not refined in turn
// (func.return, sf.yield, non-sf ops, ...) get a tensor.cast back to the old
// type, so function signatures and region interfaces are unchanged.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFSHAPEREFINE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;
using namespace mlir::sf;

/// Ops whose result types this pass recomputes; they accept refined operands.
static bool isRefinable(Operation *op) {
  return isa<SfDialect>(op->getDialect()) && op->getNumResults() > 0 &&
         (op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
          isa<InferTypeOpInterface>(op));
}

/// The type with every dim static in either of `a` and `b` static; null if
/// they are not ranked tensors of one element type and compatible shape.
static RankedTensorType mostStatic(Type a, Type b) {
  auto ta = dyn_cast<RankedTensorType>(a);
  auto tb = dyn_cast<RankedTensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType() ||
      ta.getEncoding() != tb.getEncoding() ||
      failed(verifyCompatibleShape(ta, tb)))
    return nullptr;
  SmallVector<int64_t> shape(ta.getShape());
  for (auto [dim, other] : llvm::zip(shape, tb.getShape()))
    if (ShapedType::isDynamic(dim))
      dim = other;
  return ta.clone(shape);
}

/// Replaces operands that are tensor.casts from a more static type by the
/// cast's source.
static void lookThroughCasts(Operation *op) {
  for (OpOperand &operand : op->getOpOperands()) {
    auto cast = operand.get().getDefiningOp<tensor::CastOp>();
    if (cast && mostStatic(cast.getSource().getType(), cast.getType()) ==
                    cast.getSource().getType())
      operand.set(cast.getSource());
  }
}

/// SameOperandsAndResultType: one type for all operands and results, the
/// most static of them. Null if they are incompatible.
static RankedTensorType refineSameType(OpBuilder &b, Operation *op) {
  Type joined = op->getResult(0).getType();
  for (Type type : op->getOperandTypes())
    if (!(joined = mostStatic(joined, type)))
      return nullptr;
  b.setInsertionPoint(op);
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get().getType() != joined)
      operand.set(b.create<tensor::CastOp>(op->getLoc(), joined, operand.get()));
  return cast<RankedTensorType>(joined);
}

/// The result types `op` infers from its current operands (null entries
/// where nothing is gained); empty on failure.
static SmallVector<Type> inferResultTypes(OpBuilder &b, Operation *op) {
  if (op->hasTrait<OpTrait::SameOperandsAndResultType>()) {
    RankedTensorType type = refineSameType(b, op);
    if (!type)
      return {};
    return SmallVector<Type>(op->getNumResults(), type);
  }
  SmallVector<Type> inferred;
  // No location: a failed inference is no error here, just no refinement.
  if (failed(cast<InferTypeOpInterface>(op).inferReturnTypes(
          op->getContext(), std::nullopt, op->getOperands(),
          op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
          op->getRegions(), inferred)) ||
      inferred.size() != op->getNumResults())
    return {};
  return inferred;
}

/// Whether `op` verifies (on its own, silently).
static bool verifiesQuietly(Operation *op) {
  ScopedDiagnosticHandler silence(op->getContext(),
                                  [](Diagnostic &) { return success(); });
  return succeeded(verify(op, /*verifyRecursively=*/false));
}

/// Tries to refine `op`'s results; returns the results whose type changed,
/// paired with their old types. Leaves `op` unchanged on failure.
static SmallVector<std::pair<OpResult, Type>> refineOp(OpBuilder &b,
                                                       Operation *op) {
  SmallVector<Value> oldOperands(op->getOperands());
  SmallVector<Type> oldTypes(op->getResultTypes());
  lookThroughCasts(op);
  SmallVector<Type> inferred = inferResultTypes(b, op);
  SmallVector<std::pair<OpResult, Type>> changed;
  for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
    RankedTensorType refined = mostStatic(result.getType(), type);
    if (refined && refined != result.getType()) {
      changed.emplace_back(result, result.getType());
      result.setType(refined);
    }
  }
  bool sameType = op->hasTrait<OpTrait::SameOperandsAndResultType>();
  if (!inferred.empty() && (sameType || verifiesQuietly(op)))
    return changed;
  op->setOperands(oldOperands);
  for (auto [result, type] : llvm::zip(op->getResults(), oldTypes))
    result.setType(type);
  return {};
}

/// Users that are not refined themselves keep `result`'s old type through a
/// tensor.cast.
static void castBackForOtherUsers(OpBuilder &b, OpResult result, Type old) {
  tensor::CastOp back;
  for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
    Operation *user = use.getOwner();
    if (isRefinable(user) || user == back)
      continue;
    if (!back) {
      b.setInsertionPointAfter(result.getOwner());
      back = b.create<tensor::CastOp>(result.getLoc(), old, result);
    }
    use.set(back);
  }
}

namespace {
struct SfShapeRefinePass
    : public sf::impl::SfShapeRefineBase<SfShapeRefinePass> {
  void runOnOperation() override {
    // Pre-order walks visit producers before their users.
    SmallVector<Operation *> ops;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isRefinable(op))
        ops.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *op : ops)
      for (auto [result, old] : refineOp(b, op))
        castBackForOtherUsers(b, result, old);
    // Casts that were looked through may now be dead.
    getOperation()->walk([](tensor::CastOp cast) {
      if (cast->use_empty())
        cast->erase();
    });
  }
};
} // namespace
