//===- State.cpp - variables -> memrefs, sf.print -> a runtime call -------===//
//
// A variable argument is a memref (the caller's buffer, identity layout).
// Reads copy it into a fresh buffer so the result is a value that later
// assigns cannot change; assigns materialize the new value in the variable's
// buffer. Both are memory ops, so program order holds through bufferization.
//
// sf.print calls `sf_print_<element type>(memref<?xi8> message,
// memref<*xT> values)`, a C-interface function the JIT provides
// (python/strataflow/compiler/runtime.py).
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sf;

/// A tensor holding a copy of the variable buffer's current contents.
static Value snapshot(OpBuilder &b, Location loc, Value variable,
                      RankedTensorType tensorType) {
  auto type = cast<MemRefType>(variable.getType());
  SmallVector<Value> dynamicSizes;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(b.create<memref::DimOp>(loc, variable, i));
  Value copy = b.create<memref::AllocOp>(loc, type, dynamicSizes);
  b.create<memref::CopyOp>(loc, variable, copy);
  // `restrict`: this tensor is the only view of `copy`, which nothing writes.
  return b.create<bufferization::ToTensorOp>(loc, tensorType, copy,
                                             /*restrict=*/true);
}

/// Stores `value` into the variable's buffer.
static void storeInto(OpBuilder &b, Location loc, Value value,
                      Value variable) {
  auto store =
      b.create<bufferization::MaterializeInDestinationOp>(loc, value, variable);
  store.setRestrict(true);
  store.setWritable(true);
}

namespace {
template <typename Op>
struct StateLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  RankedTensorType valueType(Op op) const {
    auto type = cast<VariableType>(op.getVariable().getType()).getValueType();
    return cast<RankedTensorType>(this->getTypeConverter()->convertType(type));
  }
};

struct ReadLowering : StateLowering<ReadOp> {
  using StateLowering::StateLowering;
  LogicalResult
  matchAndRewrite(ReadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, snapshot(rewriter, op.getLoc(),
                                    adaptor.getVariable(), valueType(op)));
    return success();
  }
};

struct AssignLowering : StateLowering<AssignOp> {
  using StateLowering::StateLowering;
  LogicalResult
  matchAndRewrite(AssignOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    storeInto(rewriter, op.getLoc(), adaptor.getValue(), adaptor.getVariable());
    rewriter.eraseOp(op);
    return success();
  }
};

/// assign_add / assign_sub: variable = variable (+|-) value.
template <typename Op, typename FloatOp, typename IntOp>
struct UpdateLowering : StateLowering<Op> {
  using StateLowering<Op>::StateLowering;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = this->valueType(op);
    Value old = snapshot(rewriter, loc, adaptor.getVariable(), type);
    bool isFloat = isa<FloatType>(type.getElementType());
    Value updated = buildElementwise(
        rewriter, loc, type, {old, adaptor.getValue()},
        [&](OpBuilder &b, Location l, ValueRange s) -> Value {
          if (isFloat)
            return b.create<FloatOp>(l, s[0], s[1]);
          return b.create<IntOp>(l, s[0], s[1]);
        });
    storeInto(rewriter, loc, updated, adaptor.getVariable());
    rewriter.eraseOp(op);
    return success();
  }
};

struct PrintLowering : OpConversionPattern<PrintOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PrintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    // Bools cross as bytes (0/1, as NumPy stores them): i1 buffers do not
    // lower to LLVM here.
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.getElementType().isInteger(1)) {
      inputType = inputType.clone(rewriter.getI8Type());
      input = buildElementwise(
          rewriter, loc, inputType, input,
          [&](OpBuilder &b, Location l, ValueRange s) -> Value {
            return b.create<arith::ExtUIOp>(l, b.getI8Type(), s[0]);
          });
    }
    auto messageType = MemRefType::get({ShapedType::kDynamic},
                                       rewriter.getI8Type());
    auto valuesType = UnrankedMemRefType::get(inputType.getElementType(), {});
    FailureOr<func::FuncOp> callee =
        getRuntimeFunction(rewriter, op, {messageType, valuesType});
    if (failed(callee))
      return failure();

    // The message, NUL-terminated, as a constant buffer.
    SmallVector<int8_t> bytes(op.getMessage().begin(), op.getMessage().end());
    bytes.push_back(0);
    auto bytesType = RankedTensorType::get({int64_t(bytes.size())},
                                           rewriter.getI8Type());
    Value text = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(bytesType, ArrayRef<int8_t>(bytes)));
    Value message = rewriter.create<memref::CastOp>(
        loc, messageType, toBuffer(rewriter, loc, text));
    Value values = rewriter.create<memref::CastOp>(
        loc, valuesType, toBuffer(rewriter, loc, input));
    rewriter.replaceOpWithNewOp<func::CallOp>(op, *callee,
                                              ValueRange{message, values});
    return success();
  }

private:
  /// A read-only view of `tensor` (any layout, so no copy is forced).
  static Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
    auto type = bufferization::getMemRefTypeWithFullyDynamicLayout(
        cast<TensorType>(tensor.getType()));
    return b.create<bufferization::ToBufferOp>(loc, type, tensor,
                                               /*read_only=*/true);
  }

  /// The declaration of `sf_print_<element type>`, added to the module once.
  /// The name uses the sf element type, so ui8 stays distinct from i8.
  static FailureOr<func::FuncOp>
  getRuntimeFunction(ConversionPatternRewriter &rewriter, PrintOp op,
                     TypeRange argTypes) {
    std::string name = "sf_print_";
    llvm::raw_string_ostream os(name);
    op.getInput().getType().getElementType().print(os);
    auto module = op->getParentOfType<ModuleOp>();
    auto type = rewriter.getFunctionType(argTypes, {});
    if (auto existing = module.lookupSymbol<func::FuncOp>(name)) {
      if (existing.getFunctionType() != type)
        return rewriter.notifyMatchFailure(op, "runtime function " + name +
                                                   " declared with another type");
      return existing;
    }
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(module.getBody());
    auto decl = rewriter.create<func::FuncOp>(op.getLoc(), name, type);
    decl.setPrivate();
    decl->setAttr("llvm.emit_c_interface", rewriter.getUnitAttr());
    return decl;
  }
};
} // namespace

void sf::populateStateToMemrefPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<ReadLowering, AssignLowering, PrintLowering,
               UpdateLowering<AssignAddOp, arith::AddFOp, arith::AddIOp>,
               UpdateLowering<AssignSubOp, arith::SubFOp, arith::SubIOp>>(
      converter, patterns.getContext());
}
