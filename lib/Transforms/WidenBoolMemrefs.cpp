//===- WidenBoolMemrefs.cpp - i1 buffers stored as i8 ---------------------===//
//
// finalize-memref-to-llvm in this MLIR build asserts (aborting the process)
// on stores into memref<...xi1>. After bufferization this pass retypes every
// i1 buffer to i8: loads truncate, stores zero-extend, and any other op that
// merely carries such a buffer (alloc, subview, copy, casts, calls, ...) is
// rebuilt with the new type.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFWIDENBOOLMEMREFS
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
class WidenBoolTypeConverter : public TypeConverter {
public:
  WidenBoolTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](MemRefType type) -> Type {
      if (!type.getElementType().isInteger(1))
        return type;
      return MemRefType::get(type.getShape(),
                             IntegerType::get(type.getContext(), 8),
                             type.getLayout(), type.getMemorySpace());
    });
    auto cast = [](OpBuilder &b, Type type, ValueRange inputs,
                   Location loc) -> Value {
      return b.create<UnrealizedConversionCastOp>(loc, type, inputs)
          .getResult(0);
    };
    addSourceMaterialization(cast);
    addTargetMaterialization(cast);
  }
};

struct WidenLoad : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value wide = rewriter.create<memref::LoadOp>(op.getLoc(), adaptor.getMemref(),
                                                 adaptor.getIndices());
    rewriter.replaceOpWithNewOp<arith::TruncIOp>(op, op.getType(), wide);
    return success();
  }
};

struct WidenStore : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value wide = rewriter.create<arith::ExtUIOp>(
        op.getLoc(), rewriter.getI8Type(), adaptor.getValue());
    rewriter.replaceOpWithNewOp<memref::StoreOp>(op, wide, adaptor.getMemref(),
                                                 adaptor.getIndices());
    return success();
  }
};

/// Globals change type, and their i1 initial values become 0/1 bytes.
struct WidenGlobal : OpConversionPattern<memref::GlobalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::GlobalOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    Attribute init = op.getInitialValueAttr();
    if (auto dense = dyn_cast_if_present<DenseElementsAttr>(init))
      init = dense.mapValues(rewriter.getI8Type(),
                             [](const APInt &v) { return v.zext(8); });
    rewriter.modifyOpInPlace(op, [&] {
      op.setTypeAttr(TypeAttr::get(type));
      if (init)
        op.setInitialValueAttr(init);
    });
    return success();
  }
};

/// Vector reads and writes of i1 buffers (what vectorized comparisons
/// produce): the same access on i8, the stored vector (or the read padding)
/// zero-extended and the read vector truncated. Masks stay i1.
struct WidenVectorAccess : ConversionPattern {
  WidenVectorAccess(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    bool isRead = isa<vector::TransferReadOp, vector::LoadOp>(op);
    if (!isRead && !isa<vector::TransferWriteOp, vector::StoreOp>(op))
      return failure();
    Location loc = op->getLoc();
    Type i8 = rewriter.getI8Type();
    auto widen = [&](Value v) -> Value {
      Type wide = i8;
      if (auto vt = dyn_cast<VectorType>(v.getType()))
        wide = vt.clone(i8);
      return rewriter.create<arith::ExtUIOp>(loc, wide, v);
    };
    SmallVector<Value> newOperands(operands);
    for (auto [i, v] : llvm::enumerate(newOperands)) {
      // Reads: the scalar padding; writes: the stored vector (operand 0).
      bool data = isRead ? v.getType().isInteger(1) : i == 0;
      if (data && getElementTypeOrSelf(v.getType()).isInteger(1))
        v = widen(v);
    }
    Operation *copy = rewriter.clone(*op);
    rewriter.modifyOpInPlace(copy, [&] {
      copy->setOperands(newOperands);
      for (Value result : copy->getResults())
        result.setType(cast<VectorType>(result.getType()).clone(i8));
    });
    SmallVector<Value> results;
    for (auto [old, wide] : llvm::zip(op->getResults(), copy->getResults()))
      results.push_back(
          rewriter.create<arith::TruncIOp>(loc, old.getType(), wide));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Any other region-free op that only passes buffers along (alloc, subview,
/// copy, cast, dealloc, get_global, ...): the same op on the new types.
/// Vector ops are left alone: their element types would have to change too.
struct RetypeOp : ConversionPattern {
  RetypeOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/0, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumRegions() != 0 ||
        op->getName().getDialectNamespace() == "vector")
      return rewriter.notifyMatchFailure(op, "cannot retype this op");
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), types)))
      return failure();
    Operation *copy = rewriter.clone(*op);
    rewriter.modifyOpInPlace(copy, [&] {
      copy->setOperands(operands);
      for (auto [result, type] : llvm::zip(copy->getResults(), types))
        result.setType(type);
    });
    rewriter.replaceOp(op, copy->getResults());
    return success();
  }
};

struct WidenBoolMemrefsPass
    : public sf::impl::SfWidenBoolMemrefsBase<WidenBoolMemrefsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    WidenBoolTypeConverter converter;
    RewritePatternSet patterns(ctx);
    ConversionTarget target(*ctx);
    patterns.add<WidenLoad, WidenStore, WidenGlobal, WidenVectorAccess, RetypeOp>(
        converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto func = dyn_cast<func::FuncOp>(op))
        return converter.isSignatureLegal(func.getFunctionType()) &&
               converter.isLegal(&func.getBody());
      if (auto global = dyn_cast<memref::GlobalOp>(op))
        return converter.isLegal(global.getType());
      return converter.isLegal(op);
    });
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
