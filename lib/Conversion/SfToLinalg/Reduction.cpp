//===- Reduction.cpp - reductions and arg-reductions -> linalg.generic ----===//
//
// A reduction is one linalg.generic with reduction iterators accumulating
// into an init filled with the combiner's identity; `keepdims` re-inserts the
// reduced dims with tensor.expand_shape. argmax/argmin carry (value, index)
// pairs in a two-output generic.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sf;

namespace {
enum class Combiner { Add, Mul, Max, Min, Or, And };

TypedAttr identityOf(OpBuilder &b, Combiner combiner, Type type,
                     bool isUnsigned) {
  switch (combiner) {
  case Combiner::Add:
  case Combiner::Or:
    return b.getZeroAttr(type);
  case Combiner::Mul:
  case Combiner::And:
    if (isa<FloatType>(type))
      return b.getFloatAttr(type, 1.0);
    return IntegerAttr::get(type, APInt(type.getIntOrFloatBitWidth(), 1));
  case Combiner::Max:
    return lowestValue(type, isUnsigned);
  case Combiner::Min:
    return highestValue(type, isUnsigned);
  }
  llvm_unreachable("unknown combiner");
}

Value combine(OpBuilder &b, Location loc, Combiner combiner, Value x,
              Value acc, bool isUnsigned) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (combiner) {
  case Combiner::Add:
    return isFloat ? arith::AddFOp::create(b, loc, x, acc).getResult()
                   : arith::AddIOp::create(b, loc, x, acc).getResult();
  case Combiner::Mul:
    return isFloat ? arith::MulFOp::create(b, loc, x, acc).getResult()
                   : arith::MulIOp::create(b, loc, x, acc).getResult();
  case Combiner::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, x, acc);
    return isUnsigned ? arith::MaxUIOp::create(b, loc, x, acc).getResult()
                      : arith::MaxSIOp::create(b, loc, x, acc).getResult();
  case Combiner::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, x, acc);
    return isUnsigned ? arith::MinUIOp::create(b, loc, x, acc).getResult()
                      : arith::MinSIOp::create(b, loc, x, acc).getResult();
  case Combiner::Or:
    return arith::OrIOp::create(b, loc, x, acc);
  case Combiner::And:
    return arith::AndIOp::create(b, loc, x, acc);
  }
  llvm_unreachable("unknown combiner");
}

/// Sizes of the dims of `input` not in `dims`, and the map projecting the
/// input's iteration space onto them.
std::pair<SmallVector<OpFoldResult>, AffineMap>
keptDims(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> dims) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(dims, d))
      continue;
    sizes.push_back(tensor::getMixedSize(b, loc, input, d));
    exprs.push_back(b.getAffineDimExpr(d));
  }
  return {sizes, AffineMap::get(rank, 0, exprs, b.getContext())};
}

SmallVector<utils::IteratorType> iteratorsFor(int64_t rank,
                                              ArrayRef<int64_t> dims) {
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  for (int64_t d : dims)
    iterators[d] = utils::IteratorType::reduction;
  return iterators;
}

/// Groups for expanding the reduced tensor back to rank `rank`: each size-1
/// dim joins a neighbouring kept dim (none when every dim was reduced).
SmallVector<ReassociationIndices> keepdimsGroups(int64_t rank,
                                                 ArrayRef<int64_t> dims) {
  SmallVector<ReassociationIndices> groups;
  if (static_cast<int64_t>(dims.size()) == rank)
    return groups;
  bool groupHasKeptDim = false;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(dims, d);
    if (groups.empty() || (!reduced && groupHasKeptDim)) {
      groups.emplace_back();
      groupHasKeptDim = false;
    }
    groups.back().push_back(d);
    groupHasKeptDim |= !reduced;
  }
  return groups;
}

/// Number of elements reduced into each result element, as an index.
Value reducedCount(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> dims) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d : dims)
    count = arith::MulIOp::create(b, loc, count,
                                  tensor::DimOp::create(b, loc, input, d));
  return count;
}

template <typename OpTy>
struct ReductionLowering : OpConversionPattern<OpTy> {
  ReductionLowering(TypeConverter &converter, MLIRContext *context,
                    Combiner combiner, bool mean = false)
      : OpConversionPattern<OpTy>(converter, context), combiner(combiner),
        mean(mean) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Type elementType = type.getElementType();
    bool isUnsigned =
        getElementTypeOrSelf(op.getInput().getType()).isUnsignedInteger();
    // Half-precision sums accumulate in f32 (as TensorFlow's do).
    Type accType = elementType;
    if (combiner == Combiner::Add && (elementType.isF16() || elementType.isBF16()))
      accType = rewriter.getF32Type();

    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    SmallVector<int64_t> dims = op.getReducedDims();
    auto [sizes, outMap] = keptDims(rewriter, loc, input, dims);
    Value identity = arith::ConstantOp::create(
        rewriter, loc, identityOf(rewriter, combiner, accType, isUnsigned));
    Value init = filledTensor(rewriter, loc, sizes, identity);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), input, init,
            {rewriter.getMultiDimIdentityMap(rank), outMap},
            iteratorsFor(rank, dims),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0];
              if (x.getType() != accType)
                x = arith::ExtFOp::create(b, l, accType, x);
              linalg::YieldOp::create(
                  b, l, combine(b, l, combiner, x, args[1], isUnsigned));
            })
            .getResult(0);

    if (mean || accType != elementType) {
      Value count =
          mean ? countAs(rewriter, loc, reducedCount(rewriter, loc, input, dims),
                         accType)
               : Value();
      auto reducedType = cast<RankedTensorType>(result.getType());
      result = buildElementwise(
          rewriter, loc, reducedType.clone(elementType), result,
          [&](OpBuilder &b, Location l, ValueRange s) -> Value {
            Value v = s[0];
            if (mean)
              v = divide(b, l, v, count, isUnsigned);
            if (v.getType() != elementType)
              v = arith::TruncFOp::create(b, l, elementType, v);
            return v;
          });
    }
    if (op.getKeepdims()) {
      SmallVector<OpFoldResult> keptSizes;
      for (int64_t d = 0; d < rank; ++d)
        keptSizes.push_back(llvm::is_contained(dims, d)
                                ? rewriter.getIndexAttr(1)
                                : tensor::getMixedSize(rewriter, loc, input, d));
      result = expandTo(rewriter, loc, result, keepdimsGroups(rank, dims),
                        keptSizes);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }

private:
  /// The index `count` as a scalar of `type`.
  static Value countAs(OpBuilder &b, Location loc, Value count, Type type) {
    if (!isa<FloatType>(type))
      return arith::IndexCastOp::create(b, loc, type, count);
    Value n = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
    return arith::SIToFPOp::create(b, loc, type, n);
  }

  static Value divide(OpBuilder &b, Location loc, Value sum, Value count,
                      bool isUnsigned) {
    if (isa<FloatType>(sum.getType()))
      return arith::DivFOp::create(b, loc, sum, count);
    if (isUnsigned)
      return arith::DivUIOp::create(b, loc, sum, count);
    return arith::DivSIOp::create(b, loc, sum, count);
  }

  Combiner combiner;
  bool mean;
};

/// (value, index) of the best element so far; a strictly better element
/// replaces it, so ties keep the first index. A NaN beats any number.
template <typename OpTy>
struct ArgReductionLowering : OpConversionPattern<OpTy> {
  ArgReductionLowering(TypeConverter &converter, MLIRContext *context,
                       bool isMax)
      : OpConversionPattern<OpTy>(converter, context), isMax(isMax) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type elementType = inputType.getElementType();
    bool isUnsigned =
        getElementTypeOrSelf(op.getInput().getType()).isUnsignedInteger();
    int64_t rank = inputType.getRank(), axis = op.getNormalizedAxis();

    auto [sizes, outMap] = keptDims(rewriter, loc, input, {axis});
    TypedAttr worst = isMax ? lowestValue(elementType, isUnsigned)
                            : highestValue(elementType, isUnsigned);
    Value valueInit = filledTensor(
        rewriter, loc, sizes, arith::ConstantOp::create(rewriter, loc, worst));
    Value indexInit = filledTensor(
        rewriter, loc, sizes,
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getZeroAttr(type.getElementType())));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueInit.getType(), indexInit.getType()},
        input, ValueRange{valueInit, indexInit},
        {rewriter.getMultiDimIdentityMap(rank), outMap, outMap},
        iteratorsFor(rank, {axis}),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better = beats(b, l, x, best, isUnsigned);
          Value index = arith::IndexCastOp::create(
              b, l, type.getElementType(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, x, best),
                         arith::SelectOp::create(b, l, better, index,
                                                 bestIndex)});
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, generic.getResult(1), type));
    return success();
  }

private:
  Value beats(OpBuilder &b, Location loc, Value x, Value best,
              bool isUnsigned) const {
    if (isa<FloatType>(x.getType())) {
      Value strictly = arith::CmpFOp::create(
          b, loc, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
          x, best);
      Value nanOverNumber = arith::AndIOp::create(
          b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x),
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ORD, best, best));
      return arith::OrIOp::create(b, loc, strictly, nanOverNumber);
    }
    arith::CmpIPredicate predicate =
        isMax ? (isUnsigned ? arith::CmpIPredicate::ugt
                            : arith::CmpIPredicate::sgt)
              : (isUnsigned ? arith::CmpIPredicate::ult
                            : arith::CmpIPredicate::slt);
    return arith::CmpIOp::create(b, loc, predicate, x, best);
  }

  bool isMax;
};
} // namespace

void sf::populateReductionToLinalgPatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReductionLowering<ReduceSumOp>>(converter, ctx, Combiner::Add);
  patterns.add<ReductionLowering<ReduceMeanOp>>(converter, ctx, Combiner::Add,
                                                /*mean=*/true);
  patterns.add<ReductionLowering<ReduceProdOp>>(converter, ctx, Combiner::Mul);
  patterns.add<ReductionLowering<ReduceMaxOp>>(converter, ctx, Combiner::Max);
  patterns.add<ReductionLowering<ReduceMinOp>>(converter, ctx, Combiner::Min);
  patterns.add<ReductionLowering<ReduceAnyOp>>(converter, ctx, Combiner::Or);
  patterns.add<ReductionLowering<ReduceAllOp>>(converter, ctx, Combiner::And);
  patterns.add<ArgReductionLowering<ArgMaxOp>>(converter, ctx, /*isMax=*/true);
  patterns.add<ArgReductionLowering<ArgMinOp>>(converter, ctx,
                                               /*isMax=*/false);
}
