//===- SfToLinalg.cpp - the sf-to-linalg pass -----------------------------===//
//
// Owns the conversion target and the type converter; each op family adds its
// patterns from its own file (Elementwise.cpp, Structured.cpp, ...).
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFTOLINALG
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;
using namespace mlir::sf;

namespace {
/// Unsigned integers become signless (arith works on signless integers; the
/// sf op that needs the sign, e.g. a ui8 division, picks unsigned arith ops).
/// A variable becomes the memref of its caller-owned buffer (identity layout,
/// so the JIT passes a NumPy array as is).
class SfTypeConverter : public TypeConverter {
public:
  SfTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](IntegerType type) -> Type {
      return IntegerType::get(type.getContext(), type.getWidth());
    });
    addConversion([this](RankedTensorType type) -> Type {
      return type.clone(convertType(type.getElementType()));
    });
    addConversion([this](VariableType type) -> Type {
      auto value = cast<RankedTensorType>(convertType(type.getValueType()));
      return MemRefType::get(value.getShape(), value.getElementType());
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

/// A pure sf op with an empty static result computes nothing: tensor.empty.
/// (The slices its own lowering would make of zero-size dims do not verify
/// in this MLIR: "offset 0 is out-of-bounds: 0 >= 0".)
struct EmptyResultLowering : ConversionPattern {
  EmptyResultLowering(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/2,
                          context) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<SfDialect>(op->getDialect()) || op->getNumResults() != 1 ||
        op->getNumRegions() || !isMemoryEffectFree(op))
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() != 0)
      return failure();
    auto converted = cast<RankedTensorType>(getTypeConverter()->convertType(type));
    rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, converted.getShape(),
                                                 converted.getElementType());
    return success();
  }
};

struct SfToLinalgPass : public sf::impl::SfToLinalgBase<SfToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    SfTypeConverter converter;
    RewritePatternSet patterns(context);
    patterns.add<EmptyResultLowering>(converter, context);
    populateElementwiseToLinalgPatterns(converter, patterns);
    populateStructuredToLinalgPatterns(converter, patterns);
    populateReductionToLinalgPatterns(converter, patterns);
    populateShapeToLinalgPatterns(converter, patterns);
    populateControlFlowToScfPatterns(converter, patterns);
    populateStateToMemrefPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*context);
    target.addIllegalDialect<SfDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    protectPublicArguments();
  }

  /// sf tensors are values: a public function must not write into the
  /// caller's tensors, so bufferization may not reuse them in place.
  void protectPublicArguments() {
    auto readOnly = BoolAttr::get(&getContext(), false);
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
        if (isa<TensorType>(type))
          func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                          readOnly);
    }
  }
};
} // namespace
