//===- ElementwiseOps.cpp - folders of elementwise ops --------------------===//
//
// Identities (x + 0, x * 1, neg(neg x), ...) and constant folding of cheap
// constants: splats, or dense constants of at most kMaxFoldedElements, so
// that folding never blows up compile time or IR size.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::sf;

namespace {
constexpr int64_t kMaxFoldedElements = 1024;

/// True when every operand is a constant small enough to fold.
bool cheapConstants(ArrayRef<Attribute> operands) {
  return llvm::all_of(operands, [](Attribute a) {
    auto dense = dyn_cast_if_present<DenseElementsAttr>(a);
    return dense && (dense.isSplat() || dense.getNumElements() <=
                                            kMaxFoldedElements);
  });
}

bool isUnsigned(Type tensorType) {
  return getElementTypeOrSelf(tensorType).isUnsignedInteger();
}

/// Folds a binary op on constant operands with `onFloat` / `onInt`
/// (`onInt` gets whether the elements are unsigned).
template <typename FloatFn, typename IntFn>
Attribute foldBinary(ArrayRef<Attribute> operands, Type type, FloatFn onFloat,
                     IntFn onInt) {
  if (!cheapConstants(operands))
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(type)))
    return constFoldBinaryOp<FloatAttr, APFloat, void>(operands, onFloat);
  bool isUnsignedType = isUnsigned(type);
  return constFoldBinaryOp<IntegerAttr, APInt, void>(
      operands, [&](const APInt &a, const APInt &b) {
        return onInt(a, b, isUnsignedType);
      });
}

bool isZero(Attribute a) {
  return a && (matchPattern(a, m_AnyZeroFloat()) || matchPattern(a, m_Zero()));
}
bool isOne(Attribute a) {
  return a && (matchPattern(a, m_OneFloat()) || matchPattern(a, m_One()));
}
} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// x + 0 -> x, 0 + x -> x, constants.
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (isZero(adaptor.getRhs()))
    return getLhs();
  if (isZero(adaptor.getLhs()))
    return getRhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b, bool) { return a + b; });
}

/// x - 0 -> x, constants.
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isZero(adaptor.getRhs()))
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b, bool) { return a - b; });
}

/// x * 1 -> x, 1 * x -> x, constants.
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isOne(adaptor.getRhs()))
    return getLhs();
  if (isOne(adaptor.getLhs()))
    return getRhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b, bool) { return a * b; });
}

OpFoldResult MaximumOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return llvm::maximum(a, b); },
      [](const APInt &a, const APInt &b, bool isUnsigned) {
        return isUnsigned ? llvm::APIntOps::umax(a, b)
                          : llvm::APIntOps::smax(a, b);
      });
}

OpFoldResult MinimumOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(
      adaptor.getOperands(), getType(),
      [](const APFloat &a, const APFloat &b) { return llvm::minimum(a, b); },
      [](const APInt &a, const APInt &b, bool isUnsigned) {
        return isUnsigned ? llvm::APIntOps::umin(a, b)
                          : llvm::APIntOps::smin(a, b);
      });
}

/// neg(neg x) -> x, constants.
OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getOperand().getDefiningOp<NegOp>())
    return inner.getOperand();
  if (!cheapConstants(adaptor.getOperands()))
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(getType())))
    return constFoldUnaryOp<FloatAttr, APFloat, void>(adaptor.getOperands(),
                                       [](const APFloat &a) { return -a; });
  return constFoldUnaryOp<IntegerAttr, APInt, void>(adaptor.getOperands(),
                                       [](const APInt &a) { return -a; });
}

/// logical_not(logical_not x) -> x, constants.
OpFoldResult LogicalNotOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getOperand().getDefiningOp<LogicalNotOp>())
    return inner.getOperand();
  if (!cheapConstants(adaptor.getOperands()))
    return {};
  return constFoldUnaryOp<IntegerAttr, APInt, void>(adaptor.getOperands(),
                                       [](const APInt &a) { return ~a; });
}

/// A splat condition picks one side; equal sides need no condition.
OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  if (getTrueValue() == getFalseValue())
    return getTrueValue();
  auto cond = dyn_cast_if_present<DenseElementsAttr>(adaptor.getCondition());
  if (!cond || !cond.isSplat())
    return {};
  return cond.getSplatValue<bool>() ? getTrueValue() : getFalseValue();
}

/// cast to the operand's own type is the operand.
OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}
