//===- Shape.cpp - shape sf ops -> tensor / linalg ------------------------===//
//
// Pure data movement becomes tensor ops (reshapes, slices) or a
// linalg.generic whose indexing map does the work (transpose, static
// broadcasting and reversal), so that upstream fusion sees through it. What
// an affine map cannot say (a dim that broadcasts only at runtime, gather,
// reversal of a dynamic dim) reads its operand with tensor.extract at
// computed indices inside the generic.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfShapeSupport.h"
#include "strataflow/SfToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sf;

namespace {
using IP = arith::CmpIPredicate;

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

/// Element `i` of a 1-D i64 shape tensor, as an index.
Value shapeEntry(OpBuilder &b, Location loc, Value shape, int64_t i) {
  Value v = b.create<tensor::ExtractOp>(loc, shape, indexConst(b, loc, i));
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), v);
}

Value dimOf(OpBuilder &b, Location loc, Value tensor, int64_t i) {
  return b.create<tensor::DimOp>(loc, tensor, i);
}

/// The sizes of `type`: static dims as attributes, dynamic ones from `dyn`.
SmallVector<OpFoldResult>
sizesOf(OpBuilder &b, RankedTensorType type,
        function_ref<OpFoldResult(int64_t dim)> dyn) {
  SmallVector<OpFoldResult> sizes;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    sizes.push_back(ShapedType::isDynamic(size)
                        ? dyn(i)
                        : OpFoldResult(b.getIndexAttr(size)));
  return sizes;
}

/// A linalg.generic producing `type` (sizes `sizes`) whose body gets the
/// loop indices and the scalars of `inputs` (read through `inputMaps`).
using IndexedBody = function_ref<Value(OpBuilder &, Location, ValueRange ivs,
                                       ValueRange scalars)>;
Value buildIndexedGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<OpFoldResult> sizes, ValueRange inputs,
                          ArrayRef<AffineMap> inputMaps, IndexedBody body) {
  Value init = b.create<tensor::EmptyOp>(loc, sizes, type.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        SmallVector<Value> ivs;
        for (int64_t d = 0; d < type.getRank(); ++d)
          ivs.push_back(nb.create<linalg::IndexOp>(nl, d));
        nb.create<linalg::YieldOp>(nl, body(nb, nl, ivs, args.drop_back()));
      });
  return generic.getResult(0);
}

/// Copies `input` into a tensor of `type` reading input dim `k` at `exprs[k]`
/// (an affine function of the result's indices).
Value buildMapped(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes, Value input,
                  ArrayRef<AffineExpr> exprs) {
  AffineMap map =
      AffineMap::get(type.getRank(), 0, exprs, b.getContext());
  return buildIndexedGeneric(
      b, loc, type, sizes, input, map,
      [](OpBuilder &, Location, ValueRange, ValueRange s) { return s[0]; });
}

/// The converted result type of `op`.
template <typename Pattern>
RankedTensorType resultType(const Pattern &p, Operation *op) {
  return cast<RankedTensorType>(
      p.getTypeConverter()->convertType(op->getResult(0).getType()));
}

/// The converted type inferred from `op`'s operands and attributes, which
/// the lowering builds; the written result type may be more or less static.
template <typename OpTy, typename Pattern>
RankedTensorType inferredType(const Pattern &p, OpTy op) {
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(
          op.getContext(), std::nullopt, op->getOperands(),
          op->getAttrDictionary(), op->getPropertiesStorage(),
          op->getRegions(), types)))
    return resultType(p, op); // unreachable for verified ops
  return cast<RankedTensorType>(
      p.getTypeConverter()->convertType(types.front()));
}

/// Replaces `op` by `value`, cast to the written result type if needed.
template <typename Pattern>
void replaceWithCast(const Pattern &p, ConversionPatternRewriter &rewriter,
                     Operation *op, Value value) {
  RankedTensorType written = resultType(p, op);
  if (value.getType() != written)
    value = rewriter.create<tensor::CastOp>(op->getLoc(), written, value);
  rewriter.replaceOp(op, value);
}

/// `x` reversed along `axes`, read at size - 1 - i. Not an indexing map
/// (d -> N - 1 - d): linalg tiling asserts on negative coefficients.
Value reverse(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(x.getType());
  auto sizes = sizesOf(b, type, [&](int64_t i) -> OpFoldResult {
    return dimOf(b, loc, x, i);
  });
  SmallVector<Value> lastIndex;
  for (int64_t d = 0; d < type.getRank(); ++d)
    lastIndex.push_back(llvm::is_contained(axes, d)
                            ? b.create<arith::SubIOp>(
                                  loc, dimOf(b, loc, x, d), indexConst(b, loc, 1))
                            : Value());
  return buildIndexedGeneric(
      b, loc, type, sizes, {}, {},
      [&](OpBuilder &nb, Location nl, ValueRange ivs, ValueRange) -> Value {
        SmallVector<Value> at(ivs);
        for (int64_t d : axes)
          at[d] = nb.create<arith::SubIOp>(nl, lastIndex[d], ivs[d]);
        return nb.create<tensor::ExtractOp>(nl, x, at);
      });
}

//===----------------------------------------------------------------------===//
// dim, shape
//===----------------------------------------------------------------------===//

struct DimLowering : OpConversionPattern<DimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = cast<RankedTensorType>(op.getOperand().getType()).getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    Value size = dimOf(rewriter, loc, adaptor.getOperand(),
                       axis < 0 ? axis + rank : axis);
    Value i64 = rewriter.create<arith::IndexCastOp>(loc, rewriter.getI64Type(),
                                                    size);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), i64);
    return success();
  }
};

struct ShapeOfLowering : OpConversionPattern<ShapeOfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getOperand().getType());
    SmallVector<Value> dims;
    for (int64_t d = 0; d < type.getRank(); ++d)
      dims.push_back(rewriter.create<arith::IndexCastOp>(
          loc, rewriter.getI64Type(), dimOf(rewriter, loc, adaptor.getOperand(), d)));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(), dims);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// broadcast_to, reshape
//===----------------------------------------------------------------------===//

struct BroadcastToLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(*this, op);
    Value x = adaptor.getOperand();
    auto in = cast<RankedTensorType>(x.getType());
    int64_t offset = type.getRank() - in.getRank();
    auto sizes = sizesOf(rewriter, type, [&](int64_t i) -> OpFoldResult {
      return shapeEntry(rewriter, loc, adaptor.getShape(), i);
    });
    // A static 1 broadcasts (index 0), a static size > 1 maps through; a
    // dynamic operand dim may be 1 only at runtime unless the result is 1.
    SmallVector<AffineExpr> exprs;
    SmallVector<int64_t> runtimeDims;
    for (auto [k, size] : llvm::enumerate(in.getShape())) {
      int64_t j = k + offset;
      if (size == 1 || type.getDimSize(j) == 1)
        exprs.push_back(rewriter.getAffineConstantExpr(0));
      else
        exprs.push_back(rewriter.getAffineDimExpr(j));
      if (ShapedType::isDynamic(size) && type.getDimSize(j) != 1)
        runtimeDims.push_back(k);
    }
    if (runtimeDims.empty()) {
      rewriter.replaceOp(op, buildMapped(rewriter, loc, type, sizes, x, exprs));
      return success();
    }
    // Read at index 0 along dims whose runtime size is 1.
    SmallVector<Value> isOne(in.getRank());
    for (int64_t k : runtimeDims)
      isOne[k] = rewriter.create<arith::CmpIOp>(
          loc, IP::eq, dimOf(rewriter, loc, x, k), indexConst(rewriter, loc, 1));
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes, {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) -> Value {
          SmallVector<Value> at;
          Value zero = indexConst(b, l, 0);
          for (auto [k, e] : llvm::enumerate(exprs)) {
            if (isa<AffineConstantExpr>(e))
              at.push_back(zero);
            else if (isOne[k])
              at.push_back(
                  b.create<arith::SelectOp>(l, isOne[k], zero, ivs[k + offset]));
            else
              at.push_back(ivs[k + offset]);
          }
          return b.create<tensor::ExtractOp>(l, x, at);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Static shapes: collapse to 1-D and expand (fusable reshapes). Dynamic:
/// tensor.reshape with the shape's -1 resolved from the element count.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(*this, op);
    Value x = adaptor.getOperand();
    auto in = cast<RankedTensorType>(x.getType());
    if (in.hasStaticShape() && type.hasStaticShape()) {
      rewriter.replaceOp(op, staticReshape(rewriter, loc, x, type));
      return success();
    }
    Value numel = indexConst(rewriter, loc, 1);
    for (int64_t d = 0; d < in.getRank(); ++d)
      numel = rewriter.create<arith::MulIOp>(loc, numel, dimOf(rewriter, loc, x, d));
    SmallVector<Value> requested;
    for (int64_t d = 0; d < type.getRank(); ++d)
      requested.push_back(type.isDynamicDim(d)
                              ? shapeEntry(rewriter, loc, adaptor.getShape(), d)
                              : indexConst(rewriter, loc, type.getDimSize(d)));
    SmallVector<Value> dims;
    Value minusOne = indexConst(rewriter, loc, -1);
    Value one = indexConst(rewriter, loc, 1);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        dims.push_back(requested[d]);
        continue;
      }
      Value others = one;
      for (int64_t e = 0; e < type.getRank(); ++e)
        if (e != d)
          others = rewriter.create<arith::MulIOp>(loc, others, requested[e]);
      Value othersIsZero = rewriter.create<arith::CmpIOp>(
          loc, IP::eq, others, indexConst(rewriter, loc, 0));
      Value safeOthers =
          rewriter.create<arith::SelectOp>(loc, othersIsZero, one, others);
      Value inferred = rewriter.create<arith::DivUIOp>(loc, numel, safeOthers);
      Value isInferred = rewriter.create<arith::CmpIOp>(loc, IP::eq,
                                                        requested[d], minusOne);
      dims.push_back(rewriter.create<arith::SelectOp>(loc, isInferred, inferred,
                                                      requested[d]));
    }
    SmallVector<Value> asI64;
    for (Value d : dims)
      asI64.push_back(rewriter.create<arith::IndexCastOp>(
          loc, rewriter.getI64Type(), d));
    Value shape = rewriter.create<tensor::FromElementsOp>(loc, asI64);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, type, x, shape);
    return success();
  }

  static Value staticReshape(OpBuilder &b, Location loc, Value x,
                             RankedTensorType type) {
    auto in = cast<RankedTensorType>(x.getType());
    if (in.getShape() == type.getShape())
      return x;
    auto allDims = [](int64_t rank) {
      ReassociationIndices all;
      for (int64_t d = 0; d < rank; ++d)
        all.push_back(d);
      return SmallVector<ReassociationIndices>{all};
    };
    // Through 1-D (or 0-D when both sides hold a single element and one is
    // 0-D: the empty reassociation).
    Value flat = x;
    if (in.getRank() != 1) {
      auto flatType = RankedTensorType::get(
          in.getRank() == 0 ? ArrayRef<int64_t>{} : ArrayRef<int64_t>{in.getNumElements()},
          in.getElementType());
      if (in.getRank() != 0)
        flat = b.create<tensor::CollapseShapeOp>(loc, flatType, x,
                                                 allDims(in.getRank()));
    }
    auto flatType = cast<RankedTensorType>(flat.getType());
    if (type.getRank() == flatType.getRank())
      return flat;
    if (type.getRank() == 0)
      return b.create<tensor::CollapseShapeOp>(
          loc, type, flat, SmallVector<ReassociationIndices>{});
    if (flatType.getRank() == 0)
      return b.create<tensor::ExpandShapeOp>(
          loc, type, flat, SmallVector<ReassociationIndices>{});
    return b.create<tensor::ExpandShapeOp>(loc, type, flat,
                                           allDims(type.getRank()));
  }
};

//===----------------------------------------------------------------------===//
// transpose, expand_dims, squeeze, reverse
//===----------------------------------------------------------------------===//

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    ArrayRef<int64_t> perm = op.getPerm();
    Value x = adaptor.getOperand();
    auto sizes = sizesOf(rewriter, type, [&](int64_t i) -> OpFoldResult {
      return dimOf(rewriter, loc, x, perm[i]);
    });
    // Operand dim perm[i] is read at result index i.
    SmallVector<AffineExpr> exprs(perm.size());
    for (auto [i, p] : llvm::enumerate(perm))
      exprs[p] = rewriter.getAffineDimExpr(i);
    replaceWithCast(*this, rewriter, op, buildMapped(rewriter, loc, type, sizes, x, exprs));
    return success();
  }
};

struct ExpandDimsLowering : OpConversionPattern<ExpandDimsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandDimsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = inferredType(*this, op);
    int64_t rank = type.getRank() - 1;
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank + 1;
    // The new dim joins the group of its neighbour.
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < rank; ++d)
      groups.push_back({d < axis ? d : d + 1});
    if (rank > 0) {
      if (axis < rank)
        groups[axis].insert(groups[axis].begin(), axis);
      else
        groups.back().push_back(axis);
    }
    replaceWithCast(*this, rewriter, op, rewriter.create<tensor::ExpandShapeOp>(op.getLoc(), type,
                                                       adaptor.getOperand(), groups));
    return success();
  }
};

struct SqueezeLowering : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value x = adaptor.getOperand();
    auto in = cast<RankedTensorType>(x.getType());
    SmallVector<bool> squeezed(in.getRank(), op.getAxes().empty());
    for (int64_t axis : op.getAxes())
      squeezed[axis < 0 ? axis + in.getRank() : axis] = true;
    // Squeezed dynamic dims are 1 by contract: make that static first.
    SmallVector<int64_t> shape(in.getShape());
    for (int64_t d = 0; d < in.getRank(); ++d) {
      if (op.getAxes().empty())
        squeezed[d] = shape[d] == 1;
      if (squeezed[d])
        shape[d] = 1;
    }
    if (ArrayRef<int64_t>(shape) != in.getShape())
      x = rewriter.create<tensor::CastOp>(loc, in.clone(shape), x);
    // Each kept dim gathers the squeezed dims before it; trailing squeezed
    // dims join the last group.
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices pending;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      pending.push_back(d);
      if (!squeezed[d]) {
        groups.push_back(pending);
        pending.clear();
      }
    }
    if (!groups.empty())
      llvm::append_range(groups.back(), pending);
    replaceWithCast(*this, rewriter, op, rewriter.create<tensor::CollapseShapeOp>(op.getLoc(), type, x, groups));
    return success();
  }
};

struct ReverseLowering : OpConversionPattern<ReverseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReverseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    SmallVector<int64_t> axes;
    for (int64_t a : op.getAxes())
      axes.push_back(a < 0 ? a + rank : a);
    rewriter.replaceOp(op, reverse(rewriter, op.getLoc(), adaptor.getOperand(), axes));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// concat, slice, strided_slice, pad
//===----------------------------------------------------------------------===//

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    ValueRange inputs = adaptor.getInputs();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += type.getRank();
    auto sizes = sizesOf(rewriter, type, [&](int64_t i) -> OpFoldResult {
      if (i != axis)
        return dimOf(rewriter, loc, inputs.front(), i);
      Value total = indexConst(rewriter, loc, 0);
      for (Value in : inputs)
        total = rewriter.create<arith::AddIOp>(loc, total,
                                               dimOf(rewriter, loc, in, axis));
      return total;
    });
    Value result =
        rewriter.create<tensor::EmptyOp>(loc, sizes, type.getElementType());
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value in : inputs) {
      auto inType = cast<RankedTensorType>(in.getType());
      if (llvm::is_contained(inType.getShape(), 0))
        continue; // empty: nothing to insert (and its offset may be the end)
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      auto inSizes = sizesOf(rewriter, inType, [&](int64_t i) -> OpFoldResult {
        return dimOf(rewriter, loc, in, i);
      });
      SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
      result = rewriter.create<tensor::InsertSliceOp>(loc, in, result, offsets,
                                                      inSizes, strides);
      offset = addOfr(rewriter, loc, offset, inSizes[axis]);
    }
    replaceWithCast(*this, rewriter, op, result);
    return success();
  }

  static OpFoldResult addOfr(OpBuilder &b, Location loc, OpFoldResult x,
                             OpFoldResult y) {
    auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
    if (cx && cy)
      return b.getIndexAttr(*cx + *cy);
    return b.create<arith::AddIOp>(loc, getValueOrCreateConstantIndexOp(b, loc, x),
                                   getValueOrCreateConstantIndexOp(b, loc, y))
        .getResult();
  }
};

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value x = adaptor.getOperand();
    SmallVector<OpFoldResult> offsets, strides;
    for (int64_t b : op.getBegin()) {
      offsets.push_back(rewriter.getIndexAttr(b));
      strides.push_back(rewriter.getIndexAttr(1));
    }
    auto sizes = sizesOf(rewriter, type, [&](int64_t i) -> OpFoldResult {
      return rewriter
          .create<arith::SubIOp>(loc, dimOf(rewriter, loc, x, i),
                                 indexConst(rewriter, loc, op.getBegin()[i]))
          .getResult();
    });
    replaceWithCast(*this, rewriter, op, rewriter.create<tensor::ExtractSliceOp>(op.getLoc(), type, x, offsets,
                                                        sizes, strides));
    return success();
  }
};

/// Python slicing: per dim, the first index and count (static when the dim
/// is), a positive-stride extract_slice over the selected elements, then a
/// reversal of the dims with negative strides.
struct StridedSliceLowering : OpConversionPattern<StridedSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StridedSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value x = adaptor.getOperand();
    auto in = cast<RankedTensorType>(x.getType());
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<int64_t> reversed;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      int64_t b = op.getBegin()[d], e = op.getEnd()[d], s = op.getStrides()[d];
      int64_t step = s < 0 ? -s : s;
      strides.push_back(rewriter.getIndexAttr(step));
      if (s < 0)
        reversed.push_back(d);
      if (!in.isDynamicDim(d)) {
        auto [start, count] = pythonSliceIndices(b, e, s, in.getDimSize(d));
        int64_t first = s > 0 || count == 0 ? (count ? start : 0)
                                            : start - (count - 1) * step;
        offsets.push_back(rewriter.getIndexAttr(first));
        sizes.push_back(rewriter.getIndexAttr(count));
        continue;
      }
      auto [start, count] =
          dynamicSliceIndices(rewriter, loc, b, e, s, dimOf(rewriter, loc, x, d));
      Value first = start;
      if (s < 0) {
        Value span = rewriter.create<arith::MulIOp>(
            loc, rewriter.create<arith::SubIOp>(loc, count, indexConst(rewriter, loc, 1)),
            indexConst(rewriter, loc, step));
        first = rewriter.create<arith::SubIOp>(loc, start, span);
      }
      Value empty = rewriter.create<arith::CmpIOp>(loc, IP::eq, count,
                                                   indexConst(rewriter, loc, 0));
      offsets.push_back(rewriter
                            .create<arith::SelectOp>(
                                loc, empty, indexConst(rewriter, loc, 0), first)
                            .getResult());
      sizes.push_back(count);
    }
    Value slice = rewriter.create<tensor::ExtractSliceOp>(loc, type, x, offsets,
                                                          sizes, strides);
    replaceWithCast(*this, rewriter, op, reversed.empty()
                               ? slice
                               : reverse(rewriter, loc, slice, reversed));
    return success();
  }

  /// pythonSliceIndices with the dim size known only at runtime.
  static std::pair<Value, Value> dynamicSliceIndices(OpBuilder &b, Location loc,
                                                     int64_t begin, int64_t end,
                                                     int64_t stride, Value n) {
    Value zero = indexConst(b, loc, 0);
    auto adjust = [&](int64_t v) -> Value {
      if (v < 0) {
        Value shifted = b.create<arith::AddIOp>(loc, n, indexConst(b, loc, v));
        Value below = b.create<arith::CmpIOp>(loc, IP::slt, shifted, zero);
        return b.create<arith::SelectOp>(
            loc, below, indexConst(b, loc, stride < 0 ? -1 : 0), shifted);
      }
      Value cv = indexConst(b, loc, v);
      Value above = b.create<arith::CmpIOp>(loc, IP::sge, cv, n);
      Value bound = stride < 0
                        ? b.create<arith::SubIOp>(loc, n, indexConst(b, loc, 1))
                              .getResult()
                        : n;
      return b.create<arith::SelectOp>(loc, above, bound, cv);
    };
    Value start = adjust(begin), stop = adjust(end);
    Value hi = stride < 0 ? start : stop, lo = stride < 0 ? stop : start;
    int64_t step = stride < 0 ? -stride : stride;
    Value any = b.create<arith::CmpIOp>(loc, IP::slt, lo, hi);
    Value gap = b.create<arith::SubIOp>(
        loc, b.create<arith::SubIOp>(loc, hi, lo), indexConst(b, loc, 1));
    Value count = b.create<arith::AddIOp>(
        loc, b.create<arith::DivSIOp>(loc, gap, indexConst(b, loc, step)),
        indexConst(b, loc, 1));
    return {start, b.create<arith::SelectOp>(loc, any, count, zero)};
  }
};

/// fill(value) then insert the operand at the low paddings.
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value x = adaptor.getOperand();
    ArrayRef<int64_t> pads = op.getPaddings();
    auto sizes = sizesOf(rewriter, type, [&](int64_t i) -> OpFoldResult {
      return rewriter
          .create<arith::AddIOp>(loc, dimOf(rewriter, loc, x, i),
                                 indexConst(rewriter, loc, pads[2 * i] + pads[2 * i + 1]))
          .getResult();
    });
    Value value = rewriter.create<tensor::ExtractOp>(loc, adaptor.getValue(),
                                                     ValueRange{});
    // alloc_tensor, not tensor.empty: CSE would merge equal fills of two
    // pads, and bufferization then copies the one filled buffer into the
    // other instead of filling both.
    SmallVector<Value> dynamicSizes;
    for (auto [i, size] : llvm::enumerate(sizes))
      if (type.isDynamicDim(i))
        dynamicSizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    Value init = bufferization::AllocTensorOp::create(rewriter, loc, type, dynamicSizes);
    Value filled =
        rewriter.create<linalg::FillOp>(loc, value, init).getResult(0);
    auto in = cast<RankedTensorType>(x.getType());
    if (llvm::is_contained(in.getShape(), 0)) {
      // Nothing to insert; an insert_slice at an offset past a zero-size
      // end would not verify.
      replaceWithCast(*this, rewriter, op, filled);
      return success();
    }
    SmallVector<OpFoldResult> offsets, inSizes, strides;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(pads[2 * d]));
      inSizes.push_back(in.isDynamicDim(d)
                            ? OpFoldResult(dimOf(rewriter, loc, x, d))
                            : rewriter.getIndexAttr(in.getDimSize(d)));
      strides.push_back(rewriter.getIndexAttr(1));
    }
    replaceWithCast(*this, rewriter, op, rewriter.create<tensor::InsertSliceOp>(op.getLoc(), x, filled, offsets,
                                                       inSizes, strides));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// gather, one_hot, range
//===----------------------------------------------------------------------===//

/// A generic over the result: the index is read through an indexing map
/// (so producers of `indices` fuse), clamped, and params extracted there.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value params = adaptor.getParams(), indices = adaptor.getIndices();
    auto indicesType = cast<RankedTensorType>(indices.getType());
    auto paramsType = cast<RankedTensorType>(params.getType());
    auto [axis, batchDims] = *gatherAxisAndBatchDims(
        std::nullopt, paramsType.getRank(), indicesType.getRank(),
        static_cast<int64_t>(op.getAxis()),
        static_cast<int64_t>(op.getBatchDims()));
    int64_t middle = indicesType.getRank() - batchDims;
    // Result dim j reads params dim j (j < axis), an indices dim, or params
    // dim j - middle + 1.
    auto sizes = sizesOf(rewriter, type, [&](int64_t j) -> OpFoldResult {
      if (j < batchDims)
        return paramsType.isDynamicDim(j) ? dimOf(rewriter, loc, indices, j)
                                          : dimOf(rewriter, loc, params, j);
      if (j < axis)
        return dimOf(rewriter, loc, params, j);
      if (j < axis + middle)
        return dimOf(rewriter, loc, indices, batchDims + j - axis);
      return dimOf(rewriter, loc, params, j - middle + 1);
    });
    SmallVector<AffineExpr> indexExprs;
    for (int64_t k = 0; k < indicesType.getRank(); ++k)
      indexExprs.push_back(rewriter.getAffineDimExpr(
          k < batchDims ? k : axis + k - batchDims));
    AffineMap indexMap =
        AffineMap::get(type.getRank(), 0, indexExprs, rewriter.getContext());
    Value last = rewriter.create<arith::SubIOp>(
        loc, dimOf(rewriter, loc, params, axis), indexConst(rewriter, loc, 1));
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes, indices, indexMap,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange s) -> Value {
          Value i = b.create<arith::IndexCastOp>(l, b.getIndexType(), s[0]);
          i = b.create<arith::MaxSIOp>(l, i, indexConst(b, l, 0));
          i = b.create<arith::MinSIOp>(l, i, last);
          SmallVector<Value> at(ivs.take_front(axis));
          at.push_back(i);
          llvm::append_range(at, ivs.drop_front(axis + middle));
          return b.create<tensor::ExtractOp>(l, params, at);
        });
    replaceWithCast(*this, rewriter, op, result);
    return success();
  }
};

/// A sequential loop over the ids: each in-range id adds its data row into
/// that row of the (zero-filled) result, carried as a tensor so that
/// bufferization updates one buffer in place.
struct UnsortedSegmentSumLowering
    : OpConversionPattern<UnsortedSegmentSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnsortedSegmentSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value data = adaptor.getData(), ids = adaptor.getSegmentIds();
    auto sizes = sizesOf(rewriter, type, [&](int64_t j) -> OpFoldResult {
      return dimOf(rewriter, loc, data, j);
    });
    Value zero = rewriter.create<arith::ConstantOp>(
        loc, rewriter.getZeroAttr(type.getElementType()));
    Value empty = rewriter.create<tensor::EmptyOp>(loc, sizes,
                                                   type.getElementType());
    Value init =
        rewriter.create<linalg::FillOp>(loc, zero, empty).getResult(0);
    // One row: [1] + the other dims, at (row, 0, ...).
    SmallVector<OpFoldResult> rowSizes(sizes);
    rowSizes[0] = rewriter.getIndexAttr(1);
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    auto offsetsAt = [&](Value row) {
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[0] = row;
      return offsets;
    };
    Value segments = indexConst(rewriter, loc, type.getDimSize(0));
    Value count = dimOf(rewriter, loc, ids, 0);
    auto loop = rewriter.create<scf::ForOp>(
        loc, indexConst(rewriter, loc, 0), count, indexConst(rewriter, loc, 1),
        ValueRange{init},
        [&](OpBuilder &b, Location l, Value i, ValueRange acc) {
          Value id = b.create<tensor::ExtractOp>(l, ids, ValueRange{i});
          id = b.create<arith::IndexCastOp>(l, b.getIndexType(), id);
          Value inRange = b.create<arith::AndIOp>(
              l,
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::sge, id,
                                      indexConst(b, l, 0)),
              b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, id,
                                      segments));
          auto ifOp = b.create<scf::IfOp>(
              l, inRange,
              [&](OpBuilder &t, Location tl) {
                Value row = t.create<tensor::ExtractSliceOp>(
                    tl, data, offsetsAt(i), rowSizes, strides);
                Value target = t.create<tensor::ExtractSliceOp>(
                    tl, acc[0], offsetsAt(id), rowSizes, strides);
                Value sum = t.create<linalg::AddOp>(
                                 tl, ValueRange{row, target}, ValueRange{target})
                                .getResult(0);
                Value updated = t.create<tensor::InsertSliceOp>(
                    tl, sum, acc[0], offsetsAt(id), rowSizes, strides);
                t.create<scf::YieldOp>(tl, updated);
              },
              [&](OpBuilder &e, Location el) {
                e.create<scf::YieldOp>(el, acc[0]);
              });
          b.create<scf::YieldOp>(l, ifOp.getResult(0));
        });
    replaceWithCast(*this, rewriter, op, loop.getResult(0));
    return success();
  }
};

struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = inferredType(*this, op);
    Value indices = adaptor.getIndices();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis == -1)
      axis = type.getRank() - 1;
    auto sizes = sizesOf(rewriter, type, [&](int64_t j) -> OpFoldResult {
      return dimOf(rewriter, loc, indices, j < axis ? j : j - 1);
    });
    SmallVector<AffineExpr> indexExprs;
    for (int64_t j = 0; j < type.getRank(); ++j)
      if (j != axis)
        indexExprs.push_back(rewriter.getAffineDimExpr(j));
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps{
        AffineMap::get(type.getRank(), 0, indexExprs, ctx),
        AffineMap::get(type.getRank(), 0, {}, ctx),
        AffineMap::get(type.getRank(), 0, {}, ctx)};
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        {indices, adaptor.getOnValue(), adaptor.getOffValue()}, maps,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange s) -> Value {
          Value i = b.create<arith::IndexCastOp>(l, b.getIndexType(), s[0]);
          Value hot = b.create<arith::CmpIOp>(l, IP::eq, i, ivs[axis]);
          return b.create<arith::SelectOp>(l, hot, s[1], s[2]);
        });
    replaceWithCast(*this, rewriter, op, result);
    return success();
  }
};

/// start + i * delta over i < max(0, ceil((limit - start) / delta)).
struct RangeLowering : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(*this, op);
    auto scalar = [&](Value t) {
      return rewriter.create<tensor::ExtractOp>(loc, t, ValueRange{}).getResult();
    };
    Value start = scalar(adaptor.getStart()), limit = scalar(adaptor.getLimit()),
          delta = scalar(adaptor.getDelta());
    Type elem = type.getElementType();
    bool isFloat = isa<FloatType>(elem);
    bool isUnsigned = getElementTypeOrSelf(op.getStart().getType()).isUnsignedInteger();
    auto sizes = sizesOf(rewriter, type, [&](int64_t) -> OpFoldResult {
      return length(rewriter, loc, start, limit, delta, isFloat, isUnsigned);
    });
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes, {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) -> Value {
          Value i = b.create<arith::IndexCastOp>(l, b.getI64Type(), ivs[0]);
          if (isFloat) {
            Value fi = b.create<arith::SIToFPOp>(l, elem, i);
            return b.create<arith::AddFOp>(l, start,
                                           b.create<arith::MulFOp>(l, fi, delta));
          }
          Value ii = elem.isInteger(64)
                         ? i
                         : b.create<arith::TruncIOp>(l, elem, i).getResult();
          return b.create<arith::AddIOp>(l, start,
                                         b.create<arith::MulIOp>(l, ii, delta));
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  static Value length(OpBuilder &b, Location loc, Value start, Value limit,
                      Value delta, bool isFloat, bool isUnsigned) {
    Type i64 = b.getI64Type();
    Value n;
    if (isFloat) {
      Type f64 = b.getF64Type();
      auto widen = [&](Value v) -> Value {
        return v.getType() == f64 ? v : b.create<arith::ExtFOp>(loc, f64, v);
      };
      Value q = b.create<arith::DivFOp>(
          loc, b.create<arith::SubFOp>(loc, widen(limit), widen(start)),
          widen(delta));
      Value ceil = b.create<math::CeilOp>(loc, q);
      // NaN (delta = 0 with equal bounds) and negatives mean empty.
      Value positive = b.create<arith::CmpFOp>(
          loc, arith::CmpFPredicate::OGT, ceil,
          b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0)));
      Value safe = b.create<arith::SelectOp>(
          loc, positive, ceil,
          b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0)));
      n = b.create<arith::FPToSIOp>(loc, i64, safe);
    } else {
      auto widen = [&](Value v) -> Value {
        if (v.getType() == i64)
          return v;
        if (isUnsigned)
          return b.create<arith::ExtUIOp>(loc, i64, v);
        return b.create<arith::ExtSIOp>(loc, i64, v);
      };
      Value zero = b.create<arith::ConstantIntOp>(loc, i64, 0);
      Value one = b.create<arith::ConstantIntOp>(loc, i64, 1);
      Value d = widen(delta);
      Value dZero = b.create<arith::CmpIOp>(loc, IP::eq, d, zero);
      Value safeD = b.create<arith::SelectOp>(loc, dZero, one, d);
      Value diff = b.create<arith::SubIOp>(loc, widen(limit), widen(start));
      Value q = b.create<arith::DivSIOp>(loc, diff, safeD);
      Value r = b.create<arith::RemSIOp>(loc, diff, safeD);
      // Round toward +inf: bump when the remainder has the divisor's sign.
      Value bump = b.create<arith::AndIOp>(
          loc, b.create<arith::CmpIOp>(loc, IP::ne, r, zero),
          b.create<arith::CmpIOp>(
              loc, IP::eq, b.create<arith::CmpIOp>(loc, IP::sgt, r, zero),
              b.create<arith::CmpIOp>(loc, IP::sgt, safeD, zero)));
      q = b.create<arith::SelectOp>(loc, bump,
                                    b.create<arith::AddIOp>(loc, q, one), q);
      q = b.create<arith::MaxSIOp>(loc, q, zero);
      n = b.create<arith::SelectOp>(loc, dZero, zero, q);
    }
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), n);
  }
};
} // namespace

void sf::populateShapeToLinalgPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DimLowering, ShapeOfLowering, BroadcastToLowering,
               ReshapeLowering, TransposeLowering, ExpandDimsLowering,
               SqueezeLowering, ReverseLowering, ConcatLowering, SliceLowering,
               StridedSliceLowering, PadLowering, GatherLowering,
               UnsortedSegmentSumLowering,
               OneHotLowering, RangeLowering>(converter, patterns.getContext());
}
