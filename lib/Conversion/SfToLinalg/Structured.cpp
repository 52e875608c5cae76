//===- Structured.cpp - matmul/conv/pool -> linalg named ops --------------===//
//
// Each op becomes one linalg named op accumulating into a filled init, so the
// CPU codegen (tiling, vectorization) sees linalg.matmul / batch_matmul /
// conv_2d_nhwc_hwcf / pooling_nhwc_*. Transposes are folded into the
// contraction's indexing maps, explicit padding becomes a tensor.pad.
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
/// Indexing maps of a (batch) matmul over dims (batch..., m, n, k) with the
/// operands' last two dims optionally transposed.
ArrayAttr contractionMaps(OpBuilder &b, unsigned batchDims, bool transposeA,
                          bool transposeB) {
  MLIRContext *ctx = b.getContext();
  unsigned numDims = batchDims + 3;
  AffineExpr m = getAffineDimExpr(batchDims, ctx);
  AffineExpr n = getAffineDimExpr(batchDims + 1, ctx);
  AffineExpr k = getAffineDimExpr(batchDims + 2, ctx);
  auto map = [&](AffineExpr row, AffineExpr col) {
    SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i < batchDims; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx));
    exprs.append({row, col});
    return AffineMap::get(numDims, 0, exprs, ctx);
  };
  return b.getAffineMapArrayAttr({transposeA ? map(k, m) : map(m, k),
                                  transposeB ? map(n, k) : map(k, n),
                                  map(m, n)});
}

Value zeroOf(OpBuilder &b, Location loc, Type elementType) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
}

/// The (m, n) sizes of op(a) @ op(b) for operands whose last two dims are
/// the matrix dims.
std::pair<OpFoldResult, OpFoldResult>
productSizes(OpBuilder &b, Location loc, Value lhs, Value rhs, bool transposeA,
             bool transposeB) {
  int64_t rank = cast<RankedTensorType>(lhs.getType()).getRank();
  return {tensor::getMixedSize(b, loc, lhs, transposeA ? rank - 1 : rank - 2),
          tensor::getMixedSize(b, loc, rhs, transposeB ? rank - 2 : rank - 1)};
}

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = getTypeConverter()->convertType(op.getType());
    Value a = adaptor.getA(), b = adaptor.getB();
    bool transposeA = op.getTransposeA(), transposeB = op.getTransposeB();
    auto [m, n] = productSizes(rewriter, loc, a, b, transposeA, transposeB);
    Value init = filledTensor(rewriter, loc, {m, n},
                              zeroOf(rewriter, loc, getElementTypeOrSelf(type)));
    auto matmul = linalg::MatmulOp::create(rewriter, loc, init.getType(),
                                           ValueRange{a, b}, init);
    if (transposeA || transposeB)
      matmul.setIndexingMapsAttr(
          contractionMaps(rewriter, 0, transposeA, transposeB));
    rewriter.replaceOp(op, castTo(rewriter, loc, matmul.getResult(0), type));
    return success();
  }
};

/// Leading batch dims are collapsed into one for linalg.batch_matmul and
/// expanded again on the result.
struct BatchMatmulLowering : OpConversionPattern<BatchMatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value a = adaptor.getA(), b = adaptor.getB();
    bool transposeA = op.getTransposeA(), transposeB = op.getTransposeB();
    int64_t rank = type.getRank();
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t i = 0; i < rank - 2; ++i)
      groups.front().push_back(i);
    groups.push_back({rank - 2});
    groups.push_back({rank - 1});
    // Result sizes before collapsing: a static batch size from either operand.
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < rank - 2; ++i)
      sizes.push_back(
          cast<RankedTensorType>(a.getType()).isDynamicDim(i)
              ? tensor::getMixedSize(rewriter, loc, b, i)
              : rewriter.getIndexAttr(
                    cast<RankedTensorType>(a.getType()).getDimSize(i)));
    auto [m, n] = productSizes(rewriter, loc, a, b, transposeA, transposeB);
    sizes.append({m, n});
    if (rank > 3) {
      a = tensor::CollapseShapeOp::create(rewriter, loc, a, groups);
      b = tensor::CollapseShapeOp::create(rewriter, loc, b, groups);
    }
    Value init = filledTensor(
        rewriter, loc, {tensor::getMixedSize(rewriter, loc, a, 0), m, n},
        zeroOf(rewriter, loc, type.getElementType()));
    auto matmul = linalg::BatchMatmulOp::create(rewriter, loc, init.getType(),
                                                ValueRange{a, b}, init);
    if (transposeA || transposeB)
      matmul.setIndexingMapsAttr(
          contractionMaps(rewriter, 1, transposeA, transposeB));
    Value result = matmul.getResult(0);
    if (rank > 3)
      result = expandTo(rewriter, loc, result, groups, sizes);
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

/// `input` padded on H and W by padding = [top, bottom, left, right].
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padding, Value padValue) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> low =
      getAsIndexOpFoldResult(ctx, {0, padding[0], padding[2], 0});
  SmallVector<OpFoldResult> high =
      getAsIndexOpFoldResult(ctx, {0, padding[1], padding[3], 0});
  return tensor::PadOp::create(b, loc, Type(), input, low, high, padValue);
}

/// floor((in - (dilation * (window - 1) + 1)) / stride) + 1 for a padded
/// input size `in`, folded to a constant when the sizes are static.
OpFoldResult windowedSize(OpBuilder &b, Location loc, OpFoldResult in,
                          OpFoldResult window, int64_t stride,
                          int64_t dilation) {
  std::optional<int64_t> staticIn = getConstantIntValue(in);
  std::optional<int64_t> staticWindow = getConstantIntValue(window);
  if (staticIn && staticWindow)
    return b.getIndexAttr((*staticIn - dilation * (*staticWindow - 1) - 1) /
                              stride +
                          1);
  auto constant = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value span = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(
          b, loc, constant(dilation),
          arith::SubIOp::create(b, loc,
                                getValueOrCreateConstantIndexOp(b, loc, window),
                                constant(1))),
      constant(1));
  Value steps = arith::DivSIOp::create(
      b, loc,
      arith::SubIOp::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, in),
                            span),
      constant(stride));
  return arith::AddIOp::create(b, loc, steps, constant(1)).getResult();
}

/// Output sizes [N, OH, OW, channels] of a sliding window over the padded
/// NHWC `input`.
SmallVector<OpFoldResult> windowedOutputSizes(OpBuilder &b, Location loc,
                                              Value padded, OpFoldResult kh,
                                              OpFoldResult kw,
                                              ArrayRef<int64_t> strides,
                                              ArrayRef<int64_t> dilations,
                                              OpFoldResult channels) {
  return {tensor::getMixedSize(b, loc, padded, 0),
          windowedSize(b, loc, tensor::getMixedSize(b, loc, padded, 1), kh,
                       strides[0], dilations[0]),
          windowedSize(b, loc, tensor::getMixedSize(b, loc, padded, 2), kw,
                       strides[1], dilations[1]),
          channels};
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = getTypeConverter()->convertType(op.getType());
    Value zero = zeroOf(rewriter, loc, getElementTypeOrSelf(type));
    Value filter = adaptor.getFilter();
    Value padded =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPadding(), zero);
    SmallVector<OpFoldResult> sizes = windowedOutputSizes(
        rewriter, loc, padded, tensor::getMixedSize(rewriter, loc, filter, 0),
        tensor::getMixedSize(rewriter, loc, filter, 1), op.getStrides(),
        op.getDilations(), tensor::getMixedSize(rewriter, loc, filter, 3));
    Value init = filledTensor(rewriter, loc, sizes, zero);
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, init.getType(), ValueRange{padded, filter}, init,
        rewriter.getI64TensorAttr(op.getStrides()),
        rewriter.getI64TensorAttr(op.getDilations()));
    rewriter.replaceOp(op, castTo(rewriter, loc, conv.getResult(0), type));
    return success();
  }
};

/// The window sum (avg) or max of a pool, over the input padded with the
/// reduction's identity.
template <typename PoolOp>
Value buildPooling(OpBuilder &b, Location loc, PoolOp op, Value input,
                   Value identity, function_ref<Value(ValueRange, Value)> make) {
  ArrayRef<int64_t> ksize = op.getKsize();
  Value padded = padSpatial(b, loc, input, op.getPadding(), identity);
  SmallVector<OpFoldResult> sizes = windowedOutputSizes(
      b, loc, padded, b.getIndexAttr(ksize[0]), b.getIndexAttr(ksize[1]),
      op.getStrides(), {1, 1}, tensor::getMixedSize(b, loc, input, 3));
  Value window = tensor::EmptyOp::create(b, loc, ksize, identity.getType());
  return make({padded, window}, filledTensor(b, loc, sizes, identity));
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = getTypeConverter()->convertType(op.getType());
    Type elementType = getElementTypeOrSelf(type);
    bool isUnsigned = getElementTypeOrSelf(op.getType()).isUnsignedInteger();
    Value lowest = arith::ConstantOp::create(
        rewriter, loc, lowestValue(elementType, isUnsigned));
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr({1, 1});
    Value result = buildPooling(
        rewriter, loc, op, adaptor.getInput(), lowest,
        [&](ValueRange inputs, Value init) -> Value {
          if (isUnsigned)
            return linalg::PoolingNhwcMaxUnsignedOp::create(
                       rewriter, loc, init.getType(), inputs, init, strides,
                       dilations)
                .getResult(0);
          return linalg::PoolingNhwcMaxOp::create(rewriter, loc,
                                                  init.getType(), inputs, init,
                                                  strides, dilations)
              .getResult(0);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

/// Window sums divided by the number of input elements in each window:
/// along H, window `oh` covers rows [oh * stride - top, ... + ksize) of
/// which min(end, H) - max(start, 0) are inside the input.
struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = getTypeConverter()->convertType(op.getType());
    auto elementType = cast<FloatType>(getElementTypeOrSelf(type));
    Value input = adaptor.getInput();
    ArrayRef<int64_t> ksize = op.getKsize(), strides = op.getStrides(),
                      padding = op.getPadding();
    Value sums = buildPooling(
        rewriter, loc, op, input, zeroOf(rewriter, loc, elementType),
        [&](ValueRange inputs, Value init) -> Value {
          return linalg::PoolingNhwcSumOp::create(
                     rewriter, loc, init.getType(), inputs, init,
                     rewriter.getI64TensorAttr(strides),
                     rewriter.getI64TensorAttr({1, 1}))
              .getResult(0);
        });
    bool padded = llvm::any_of(padding, [](int64_t p) { return p != 0; });
    Value height, width;
    if (padded) {
      height = tensor::DimOp::create(rewriter, loc, input, 1);
      width = tensor::DimOp::create(rewriter, loc, input, 2);
    }
    auto toFloat = [&](OpBuilder &b, Location l, Value index) -> Value {
      Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), index);
      return arith::SIToFPOp::create(b, l, elementType, i64);
    };
    // Rows (or columns) of window `pos` that lie inside the input.
    auto inside = [&](OpBuilder &b, Location l, unsigned dim, int64_t before,
                      Value size) -> Value {
      auto constant = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, l, v).getResult();
      };
      int64_t k = ksize[dim - 1], stride = strides[dim - 1];
      Value pos = linalg::IndexOp::create(b, l, dim);
      Value start = arith::SubIOp::create(
          b, l, arith::MulIOp::create(b, l, pos, constant(stride)),
          constant(before));
      Value end = arith::AddIOp::create(b, l, start, constant(k));
      return arith::SubIOp::create(
          b, l, arith::MinSIOp::create(b, l, end, size),
          arith::MaxSIOp::create(b, l, start, constant(0)));
    };
    auto sumType = cast<RankedTensorType>(sums.getType());
    Value result = buildElementwise(
        rewriter, loc, sumType, sums,
        [&](OpBuilder &b, Location l, ValueRange s) -> Value {
          Value count;
          if (!padded)
            count = arith::ConstantOp::create(
                b, l, b.getFloatAttr(elementType, ksize[0] * ksize[1]));
          else
            count = toFloat(b, l,
                            arith::MulIOp::create(
                                b, l, inside(b, l, 1, padding[0], height),
                                inside(b, l, 2, padding[2], width)));
          return arith::DivFOp::create(b, l, s[0], count);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};
} // namespace

void sf::populateStructuredToLinalgPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, BatchMatmulLowering, Conv2DLowering,
               MaxPoolLowering, AvgPoolLowering>(converter,
                                                 patterns.getContext());
}
