//===- Elementwise.cpp - elementwise sf ops -> linalg.generic -------------===//
//
// Every elementwise op becomes one linalg.generic (so that upstream fusion
// merges chains) whose body is built by a scalar function. One pattern
// template serves all ops: `Lower<SfOp, scalarFn>`; the scalar functions are
// templates per kind (arith op per float/signed/unsigned, math op, compare
// predicates) plus a few hand-written bodies (gelu, floor division, ...).
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::sf;

namespace {
/// Element types of one op: `src`/`dst` as written in sf (ui8 kept, so the
/// body can pick unsigned ops), `out` the converted (signless) result type.
struct Elem {
  Type src, dst, out;
  bool isFloat() const { return isa<FloatType>(src); }
  /// ui8 and i1 extend/convert/compare as unsigned.
  bool isUnsigned() const {
    return src.isUnsignedInteger() || src.isInteger(1);
  }
};

using ScalarFn = Value (*)(OpBuilder &, Location, Elem, ValueRange);

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(ft, value));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// The lowering of every elementwise op: a linalg.generic over the result.
template <typename SfOp, ScalarFn fn>
struct Lower : OpConversionPattern<SfOp> {
  using OpConversionPattern<SfOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SfOp op, typename SfOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_if_present<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Type src = getElementTypeOrSelf(op->getOperands().back().getType());
    Elem elem{src, getElementTypeOrSelf(op.getType()), type.getElementType()};
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange s) {
          return fn(b, loc, elem, s);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scalar bodies by kind
//===----------------------------------------------------------------------===//

template <typename FOp, typename SIOp, typename UIOp = SIOp>
Value arithBinary(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<FOp>(loc, a[0], a[1]);
  if (e.isUnsigned())
    return b.create<UIOp>(loc, a[0], a[1]);
  return b.create<SIOp>(loc, a[0], a[1]);
}

template <typename IOp>
Value intBinary(OpBuilder &b, Location loc, Elem, ValueRange a) {
  return b.create<IOp>(loc, a[0], a[1]);
}

template <typename MathOp>
Value mathUnary(OpBuilder &b, Location loc, Elem, ValueRange a) {
  return b.create<MathOp>(loc, a[0]);
}

template <arith::CmpFPredicate f, arith::CmpIPredicate s, arith::CmpIPredicate u>
Value compare(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<arith::CmpFOp>(loc, f, a[0], a[1]);
  return b.create<arith::CmpIOp>(loc, e.isUnsigned() ? u : s, a[0], a[1]);
}

using FP = arith::CmpFPredicate;
using IP = arith::CmpIPredicate;

Value cmp(OpBuilder &b, Location loc, Elem e, FP f, IP s, Value x, Value y) {
  if (e.isFloat())
    return b.create<arith::CmpFOp>(loc, f, x, y);
  return b.create<arith::CmpIOp>(loc, s, x, y);
}

//===----------------------------------------------------------------------===//
// Hand-written bodies (own namespace: names like div, abs, pow are taken)
//===----------------------------------------------------------------------===//
namespace body {

Value neg(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<arith::NegFOp>(loc, a[0]);
  return b.create<arith::SubIOp>(loc, constant(b, loc, e.out, 0), a[0]);
}

Value abs(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<math::AbsFOp>(loc, a[0]);
  if (e.isUnsigned())
    return a[0];
  return b.create<math::AbsIOp>(loc, a[0]);
}

Value square(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  return arithBinary<arith::MulFOp, arith::MulIOp>(b, loc, e, {a[0], a[0]});
}

/// 1, -1 or 0; floats keep x itself at 0, -0 and NaN (as numpy and TF).
Value sign(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value zero = constant(b, loc, e.out, 0);
  Value one = constant(b, loc, e.out, 1);
  Value isPos = cmp(b, loc, e, FP::OGT, e.isUnsigned() ? IP::ne : IP::sgt,
                    a[0], zero);
  if (e.isUnsigned())
    return b.create<arith::SelectOp>(loc, isPos, one, zero);
  Value isNeg = cmp(b, loc, e, FP::OLT, IP::slt, a[0], zero);
  Value negOrRest = b.create<arith::SelectOp>(
      loc, isNeg, constant(b, loc, e.out, -1), e.isFloat() ? a[0] : zero);
  return b.create<arith::SelectOp>(loc, isPos, one, negOrRest);
}

Value relu(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isUnsigned())
    return a[0];
  return arithBinary<arith::MaximumFOp, arith::MaxSIOp>(
      b, loc, e, {a[0], constant(b, loc, e.out, 0)});
}

Value sigmoid(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value one = constant(b, loc, e.out, 1);
  Value expNeg =
      b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, a[0]));
  return b.create<arith::DivFOp>(loc, one,
                                 b.create<arith::AddFOp>(loc, one, expNeg));
}

/// Exact GELU: x / 2 * (1 + erf(x / sqrt 2)).
Value gelu(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value scaled = b.create<arith::MulFOp>(loc, a[0],
                                         constant(b, loc, e.out, M_SQRT1_2));
  Value onePlusErf = b.create<arith::AddFOp>(
      loc, constant(b, loc, e.out, 1), b.create<math::ErfOp>(loc, scaled));
  Value half = b.create<arith::MulFOp>(loc, a[0], constant(b, loc, e.out, 0.5));
  return b.create<arith::MulFOp>(loc, half, onePlusErf);
}

Value logicalNot(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  return b.create<arith::XOrIOp>(loc, a[0], constant(b, loc, e.out, 1));
}

Value invert(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  return b.create<arith::XOrIOp>(loc, a[0], constant(b, loc, e.out, -1));
}

/// Shifts by y outside [0, width) are poison in LLVM; NumPy defines them
/// (x << y = 0, x >> y = sign fill), and so do we. An unsigned compare
/// catches negative y too.
Value inShiftRange(OpBuilder &b, Location loc, Elem e, Value y) {
  auto width = e.out.getIntOrFloatBitWidth();
  return b.create<arith::CmpIOp>(loc, IP::ult, y,
                                 constant(b, loc, e.out, width));
}

Value leftShift(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value shifted = b.create<arith::ShLIOp>(loc, a[0], a[1]);
  return b.create<arith::SelectOp>(loc, inShiftRange(b, loc, e, a[1]), shifted,
                                   constant(b, loc, e.out, 0));
}

Value rightShift(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value inRange = inShiftRange(b, loc, e, a[1]);
  if (e.isUnsigned())
    return b.create<arith::SelectOp>(
        loc, inRange, b.create<arith::ShRUIOp>(loc, a[0], a[1]),
        constant(b, loc, e.out, 0));
  auto width = e.out.getIntOrFloatBitWidth();
  Value amount = b.create<arith::SelectOp>(loc, inRange, a[1],
                                           constant(b, loc, e.out, width - 1));
  return b.create<arith::ShRSIOp>(loc, a[0], amount);
}

Value select(OpBuilder &b, Location loc, Elem, ValueRange a) {
  return b.create<arith::SelectOp>(loc, a[0], a[1], a[2]);
}

/// Integer division that never traps: a zero divisor and INT_MIN / -1
/// divide by 1 instead; the caller picks the result for a zero divisor.
struct SafeDivisor {
  Value divisor, isZero;
};
SafeDivisor safeDivisor(OpBuilder &b, Location loc, Elem e, Value x, Value y) {
  Type t = e.out;
  Value zero = constant(b, loc, t, 0);
  Value one = constant(b, loc, t, 1);
  Value isZero = b.create<arith::CmpIOp>(loc, IP::eq, y, zero);
  Value replace = isZero;
  if (!e.isUnsigned()) {
    unsigned width = t.getIntOrFloatBitWidth();
    Value intMin = b.create<arith::ConstantOp>(
        loc, b.getIntegerAttr(t, APInt::getSignedMinValue(width)));
    Value overflow = b.create<arith::AndIOp>(
        loc, b.create<arith::CmpIOp>(loc, IP::eq, x, intMin),
        b.create<arith::CmpIOp>(loc, IP::eq, y, constant(b, loc, t, -1)));
    replace = b.create<arith::OrIOp>(loc, isZero, overflow);
  }
  return {b.create<arith::SelectOp>(loc, replace, one, y), isZero};
}

/// r != 0 and sign(r) != sign(y): where truncated and floor results differ.
Value needsFloorFix(OpBuilder &b, Location loc, Elem e, Value r, Value y) {
  Value zero = constant(b, loc, e.out, 0);
  Value nonZero = cmp(b, loc, e, FP::UNE, IP::ne, r, zero);
  Value rNeg = cmp(b, loc, e, FP::OLT, IP::slt, r, zero);
  Value yNeg = cmp(b, loc, e, FP::OLT, IP::slt, y, zero);
  return b.create<arith::AndIOp>(
      loc, nonZero, b.create<arith::XOrIOp>(loc, rNeg, yNeg));
}

Value intDivide(OpBuilder &b, Location loc, Elem e, ValueRange a, bool floor) {
  auto [y, isZero] = safeDivisor(b, loc, e, a[0], a[1]);
  Value q;
  if (e.isUnsigned()) {
    q = b.create<arith::DivUIOp>(loc, a[0], y);
  } else {
    q = b.create<arith::DivSIOp>(loc, a[0], y);
    if (floor) {
      Value r = b.create<arith::RemSIOp>(loc, a[0], y);
      Value fixed =
          b.create<arith::SubIOp>(loc, q, constant(b, loc, e.out, 1));
      q = b.create<arith::SelectOp>(loc, needsFloorFix(b, loc, e, r, y), fixed,
                                    q);
    }
  }
  return b.create<arith::SelectOp>(loc, isZero, constant(b, loc, e.out, -1),
                                   q);
}

Value div(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<arith::DivFOp>(loc, a[0], a[1]);
  return intDivide(b, loc, e, a, /*floor=*/false);
}

Value floorDiv(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<math::FloorOp>(loc,
                                   b.create<arith::DivFOp>(loc, a[0], a[1]));
  return intDivide(b, loc, e, a, /*floor=*/true);
}

/// Floor modulo: the truncated remainder moved into y's sign.
Value mod(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat()) {
    Value r = b.create<arith::RemFOp>(loc, a[0], a[1]);
    Value fixed = b.create<arith::AddFOp>(loc, r, a[1]);
    return b.create<arith::SelectOp>(loc, needsFloorFix(b, loc, e, r, a[1]),
                                     fixed, r);
  }
  auto [y, isZero] = safeDivisor(b, loc, e, a[0], a[1]);
  Value r;
  if (e.isUnsigned()) {
    r = b.create<arith::RemUIOp>(loc, a[0], y);
  } else {
    r = b.create<arith::RemSIOp>(loc, a[0], y);
    Value fixed = b.create<arith::AddIOp>(loc, r, y);
    r = b.create<arith::SelectOp>(loc, needsFloorFix(b, loc, e, r, y), fixed,
                                  r);
  }
  return b.create<arith::SelectOp>(loc, isZero, a[0], r);
}

/// Integer power by square-and-multiply over the exponent's bits; a negative
/// exponent gives x^n truncated toward zero (1, +-1 for x = -1, else 0).
Value intPow(OpBuilder &b, Location loc, Elem e, Value x, Value n) {
  Type t = e.out;
  unsigned width = t.getIntOrFloatBitWidth();
  Value one = constant(b, loc, t, 1);
  Value lb = b.create<arith::ConstantIndexOp>(loc, 0);
  Value ub = b.create<arith::ConstantIndexOp>(loc, width);
  Value step = b.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = b.create<scf::ForOp>(
      loc, lb, ub, step, ValueRange{one, x, n},
      [&](OpBuilder &nb, Location l, Value, ValueRange it) {
        Value acc = it[0], base = it[1], exp = it[2];
        Value bit = nb.create<arith::CmpIOp>(
            l, IP::ne, nb.create<arith::AndIOp>(l, exp, one),
            constant(nb, l, t, 0));
        acc = nb.create<arith::SelectOp>(
            l, bit, nb.create<arith::MulIOp>(l, acc, base), acc);
        base = nb.create<arith::MulIOp>(l, base, base);
        exp = nb.create<arith::ShRUIOp>(l, exp, one);
        nb.create<scf::YieldOp>(l, ValueRange{acc, base, exp});
      });
  Value result = loop.getResult(0);
  if (e.isUnsigned())
    return result;
  Value zero = constant(b, loc, t, 0);
  Value minusOne = constant(b, loc, t, -1);
  Value odd = b.create<arith::CmpIOp>(
      loc, IP::ne, b.create<arith::AndIOp>(loc, n, one), zero);
  Value ofMinusOne = b.create<arith::SelectOp>(loc, odd, minusOne, one);
  Value negative = b.create<arith::SelectOp>(
      loc, b.create<arith::CmpIOp>(loc, IP::eq, x, one), one,
      b.create<arith::SelectOp>(
          loc, b.create<arith::CmpIOp>(loc, IP::eq, x, minusOne), ofMinusOne,
          zero));
  return b.create<arith::SelectOp>(
      loc, b.create<arith::CmpIOp>(loc, IP::slt, n, zero), negative, result);
}

Value pow(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  if (e.isFloat())
    return b.create<math::PowFOp>(loc, a[0], a[1]);
  return intPow(b, loc, e, a[0], a[1]);
}

/// tf.cast: float -> int truncates, x -> bool is x != 0, bool -> 0/1,
/// unsigned sources/targets use the unsigned conversions.
Value cast(OpBuilder &b, Location loc, Elem e, ValueRange a) {
  Value x = a[0];
  Type src = e.src, dst = e.dst, out = e.out;
  if (src == dst)
    return x;
  if (dst.isInteger(1)) {
    Elem asSrc{src, src, x.getType()};
    return cmp(b, loc, asSrc, FP::UNE, IP::ne, x,
               constant(b, loc, x.getType(), 0));
  }
  unsigned srcWidth = src.getIntOrFloatBitWidth();
  unsigned dstWidth = dst.getIntOrFloatBitWidth();
  if (isa<FloatType>(src) && isa<FloatType>(dst)) {
    if (srcWidth == dstWidth) // f16 <-> bf16 goes through f32.
      x = b.create<arith::ExtFOp>(loc, b.getF32Type(), x);
    if (x.getType().getIntOrFloatBitWidth() < dstWidth)
      return b.create<arith::ExtFOp>(loc, out, x);
    return b.create<arith::TruncFOp>(loc, out, x);
  }
  if (isa<FloatType>(src)) {
    if (dst.isUnsignedInteger())
      return b.create<arith::FPToUIOp>(loc, out, x);
    return b.create<arith::FPToSIOp>(loc, out, x);
  }
  if (isa<FloatType>(dst)) {
    if (e.isUnsigned())
      return b.create<arith::UIToFPOp>(loc, out, x);
    return b.create<arith::SIToFPOp>(loc, out, x);
  }
  if (srcWidth == dstWidth) // i8 <-> ui8: the same bits.
    return x;
  if (srcWidth > dstWidth)
    return b.create<arith::TruncIOp>(loc, out, x);
  if (e.isUnsigned())
    return b.create<arith::ExtUIOp>(loc, out, x);
  return b.create<arith::ExtSIOp>(loc, out, x);
}

} // namespace body

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    auto value = cast<ElementsAttr>(op.getValue());
    if (type != value.getType()) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "non-dense unsigned constant");
      value = dense.bitcast(type.getElementType());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};
} // namespace

void sf::populateElementwiseToLinalgPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  using namespace arith;
  patterns.add<
      ConstantLowering,
      // Unary.
      Lower<NegOp, body::neg>, Lower<AbsOp, body::abs>, Lower<SquareOp, body::square>,
      Lower<SignOp, body::sign>, Lower<ReluOp, body::relu>,
      Lower<ExpOp, mathUnary<math::ExpOp>>, Lower<LogOp, mathUnary<math::LogOp>>,
      Lower<Log1pOp, mathUnary<math::Log1pOp>>,
      Lower<Expm1Op, mathUnary<math::ExpM1Op>>,
      Lower<SqrtOp, mathUnary<math::SqrtOp>>,
      Lower<RsqrtOp, mathUnary<math::RsqrtOp>>,
      Lower<SinOp, mathUnary<math::SinOp>>, Lower<CosOp, mathUnary<math::CosOp>>,
      Lower<TanhOp, mathUnary<math::TanhOp>>, Lower<SigmoidOp, body::sigmoid>,
      Lower<GeluOp, body::gelu>, Lower<ErfOp, mathUnary<math::ErfOp>>,
      Lower<FloorOp, mathUnary<math::FloorOp>>,
      Lower<CeilOp, mathUnary<math::CeilOp>>,
      Lower<RoundOp, mathUnary<math::RoundEvenOp>>,
      Lower<LogicalNotOp, body::logicalNot>, Lower<InvertOp, body::invert>,
      // Binary.
      Lower<sf::AddOp, arithBinary<AddFOp, AddIOp>>,
      Lower<sf::SubOp, arithBinary<SubFOp, SubIOp>>,
      Lower<sf::MulOp, arithBinary<MulFOp, MulIOp>>, Lower<DivOp, body::div>,
      Lower<FloorDivOp, body::floorDiv>, Lower<ModOp, body::mod>, Lower<PowOp, body::pow>,
      Lower<MaximumOp, arithBinary<MaximumFOp, MaxSIOp, MaxUIOp>>,
      Lower<MinimumOp, arithBinary<MinimumFOp, MinSIOp, MinUIOp>>,
      Lower<LogicalAndOp, intBinary<AndIOp>>,
      Lower<LogicalOrOp, intBinary<OrIOp>>,
      Lower<BitwiseAndOp, intBinary<AndIOp>>,
      Lower<BitwiseOrOp, intBinary<OrIOp>>,
      Lower<BitwiseXorOp, intBinary<XOrIOp>>,
      Lower<LeftShiftOp, body::leftShift>,
      Lower<RightShiftOp, body::rightShift>,
      Lower<EqualOp, compare<CmpFPredicate::OEQ, CmpIPredicate::eq,
                             CmpIPredicate::eq>>,
      Lower<NotEqualOp, compare<CmpFPredicate::UNE, CmpIPredicate::ne,
                                CmpIPredicate::ne>>,
      Lower<LessOp, compare<CmpFPredicate::OLT, CmpIPredicate::slt,
                            CmpIPredicate::ult>>,
      Lower<LessEqualOp, compare<CmpFPredicate::OLE, CmpIPredicate::sle,
                                 CmpIPredicate::ule>>,
      Lower<GreaterOp, compare<CmpFPredicate::OGT, CmpIPredicate::sgt,
                               CmpIPredicate::ugt>>,
      Lower<GreaterEqualOp, compare<CmpFPredicate::OGE, CmpIPredicate::sge,
                                    CmpIPredicate::uge>>,
      // Choice and conversion.
      Lower<sf::SelectOp, body::select>, Lower<sf::CastOp, body::cast>>(
      converter, patterns.getContext());
}
