//===- ShapeOps.cpp - type inference, verifiers, folders of shape ops -----===//
//
// The result-type inference of each op is also its verifier (ODS checks the
// written result type against it), so every message about a bad attribute
// is emitted here, at the op's location.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfShapeSupport.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::sf;

namespace {
constexpr int64_t kDynamic = ShapedType::kDynamic;

LogicalResult fail(std::optional<Location> loc, const Twine &message) {
  return emitOptionalError(loc, message);
}

/// `axis` in [-rank, rank) mapped into [0, rank), or nullopt.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// Distinct valid axes mapped into [0, rank); fails with a message.
FailureOr<SmallVector<int64_t>> normalizeAxes(std::optional<Location> loc,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    std::optional<int64_t> a = normalizeAxis(axis, rank);
    if (!a) {
      (void)fail(loc, "axis " + Twine(axis) + " is out of range for rank " +
                          Twine(rank));
      return failure();
    }
    if (llvm::is_contained(result, *a)) {
      (void)fail(loc, "axis " + Twine(axis) + " is repeated");
      return failure();
    }
    result.push_back(*a);
  }
  return result;
}

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

DenseElementsAttr i64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, IntegerType::get(ctx, 64));
  return DenseElementsAttr::get(type, values);
}

/// The shape operand's static length must be the result's rank.
LogicalResult verifyShapeOperand(Operation *op, Value shape,
                                 RankedTensorType result) {
  int64_t length = rankedType(shape).getDimSize(0);
  if (!ShapedType::isDynamic(length) && length != result.getRank())
    return op->emitOpError("shape operand has ")
           << length << " elements but the result has rank "
           << result.getRank();
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// dim, shape
//===----------------------------------------------------------------------===//

LogicalResult DimOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  int64_t rank = rankedType(adaptor.getOperand()).getRank();
  if (!normalizeAxis(static_cast<int64_t>(adaptor.getAxis()), rank))
    return fail(loc, "axis " + Twine(static_cast<int64_t>(adaptor.getAxis())) +
                         " is out of range for rank " + Twine(rank));
  inferred.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  return success();
}

OpFoldResult DimOp::fold(FoldAdaptor) {
  RankedTensorType type = rankedType(getOperand());
  int64_t size = type.getDimSize(
      *normalizeAxis(static_cast<int64_t>(getAxis()), type.getRank()));
  if (ShapedType::isDynamic(size))
    return {};
  return i64Tensor(getContext(), {}, {size});
}

LogicalResult ShapeOfOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location>,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  int64_t rank = rankedType(adaptor.getOperand()).getRank();
  inferred.push_back(RankedTensorType::get({rank}, IntegerType::get(ctx, 64)));
  return success();
}

OpFoldResult ShapeOfOp::fold(FoldAdaptor) {
  RankedTensorType type = rankedType(getOperand());
  if (!type.hasStaticShape())
    return {};
  return i64Tensor(getContext(), {type.getRank()}, type.getShape());
}

//===----------------------------------------------------------------------===//
// broadcast_to, reshape
//===----------------------------------------------------------------------===//

LogicalResult BroadcastToOp::verify() {
  RankedTensorType in = rankedType(getOperand()), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " differs from the operand's "
           << in.getElementType();
  if (in.getRank() > out.getRank())
    return emitOpError("cannot broadcast rank ")
           << in.getRank() << " to the lower rank " << out.getRank();
  int64_t offset = out.getRank() - in.getRank();
  for (auto [i, size] : llvm::enumerate(in.getShape())) {
    int64_t target = out.getDimSize(i + offset);
    if (size != 1 && !ShapedType::isDynamic(size) &&
        !ShapedType::isDynamic(target) && size != target)
      return emitOpError("operand dim ")
             << i << " of size " << size << " cannot broadcast to size "
             << target;
  }
  return verifyShapeOperand(*this, getShape(), out);
}

/// Broadcasting to the operand's own static shape is the operand.
OpFoldResult BroadcastToOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType() && getType().hasStaticShape())
    return getOperand();
  return {};
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = rankedType(getOperand()), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " differs from the operand's "
           << in.getElementType();
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements into " << out
           << " with " << out.getNumElements();
  return verifyShapeOperand(*this, getShape(), out);
}

/// reshape to the same static type is a no-op; reshape(reshape(x)) only
/// needs the outer shape.
OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType() && getType().hasStaticShape())
    return getOperand();
  if (auto inner = getOperand().getDefiningOp<ReshapeOp>()) {
    getOperandMutable().assign(inner.getOperand());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// transpose, expand_dims, squeeze, reverse
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  SmallVector<int64_t> iota(in.getRank());
  std::iota(iota.begin(), iota.end(), 0);
  if (sorted != iota)
    return fail(loc, "perm must be a permutation of [0, " +
                         Twine(in.getRank()) + ")");
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(in.getDimSize(p));
  inferred.push_back(in.clone(shape));
  return success();
}

/// Identity perms fold away; transpose(transpose(x)) is one transpose.
OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool sameType = getOperand().getType() == getType();
  if (sameType && llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getOperand();
  if (auto inner = getOperand().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPerm()[p]);
    getOperandMutable().assign(inner.getOperand());
    setPerm(composed);
    if (getOperand().getType() == getType() &&
        llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return getOperand();
    return getResult();
  }
  return {};
}

LogicalResult ExpandDimsOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  std::optional<int64_t> a = normalizeAxis(axis, in.getRank() + 1);
  if (!a)
    return fail(loc, "axis " + Twine(axis) + " is out of range [" +
                         Twine(-in.getRank() - 1) + ", " +
                         Twine(in.getRank()) + "]");
  SmallVector<int64_t> shape(in.getShape());
  shape.insert(shape.begin() + *a, 1);
  inferred.push_back(in.clone(shape));
  return success();
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  FailureOr<SmallVector<int64_t>> axes =
      normalizeAxes(loc, adaptor.getAxes(), in.getRank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(in.getShape())) {
    bool listed = llvm::is_contained(*axes, static_cast<int64_t>(i));
    if (listed && size != 1 && !ShapedType::isDynamic(size))
      return fail(loc, "cannot squeeze dim " + Twine(i) + " of size " +
                           Twine(size));
    if (listed || (axes->empty() && size == 1))
      continue;
    shape.push_back(size);
  }
  inferred.push_back(in.clone(shape));
  return success();
}

OpFoldResult SqueezeOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

LogicalResult ReverseOp::verify() {
  return normalizeAxes(getLoc(), getAxes(), getType().getRank());
}

/// Reversing nothing, or only size-1 dims, changes nothing.
OpFoldResult ReverseOp::fold(FoldAdaptor) {
  if (llvm::all_of(getAxes(), [&](int64_t axis) {
        return getType().getDimSize(
                   *normalizeAxis(axis, getType().getRank())) == 1;
      }))
    return getOperand();
  return {};
}

//===----------------------------------------------------------------------===//
// concat, slice, strided_slice, pad
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return fail(loc, "needs at least one input");
  RankedTensorType first = rankedType(inputs.front());
  int64_t axisAttr = static_cast<int64_t>(adaptor.getAxis());
  std::optional<int64_t> axis = normalizeAxis(axisAttr, first.getRank());
  if (!axis)
    return fail(loc, "axis " + Twine(axisAttr) + " is out of range for rank " +
                         Twine(first.getRank()));
  SmallVector<int64_t> shape(first.getShape());
  for (auto [n, input] : llvm::enumerate(inputs.drop_front())) {
    RankedTensorType type = rankedType(input);
    if (type.getElementType() != first.getElementType() ||
        type.getRank() != first.getRank())
      return fail(loc, "input " + Twine(n + 1) +
                           " differs from input 0 in rank or element type");
    for (auto [i, size] : llvm::enumerate(type.getShape())) {
      if (static_cast<int64_t>(i) == *axis) {
        shape[i] = ShapedType::isDynamic(shape[i]) ||
                           ShapedType::isDynamic(size)
                       ? kDynamic
                       : shape[i] + size;
      } else if (ShapedType::isDynamic(shape[i])) {
        shape[i] = size;
      } else if (!ShapedType::isDynamic(size) && size != shape[i]) {
        return fail(loc, "input " + Twine(n + 1) + " has size " + Twine(size) +
                             " in dim " + Twine(i) + ", input 0 has " +
                             Twine(shape[i]));
      }
    }
  }
  inferred.push_back(first.clone(shape));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  ArrayRef<int64_t> begin = adaptor.getBegin(), size = adaptor.getSize();
  if (static_cast<int64_t>(begin.size()) != in.getRank() ||
      static_cast<int64_t>(size.size()) != in.getRank())
    return fail(loc, "begin and size need one entry per dim (rank " +
                         Twine(in.getRank()) + ")");
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(in.getShape())) {
    if (begin[i] < 0 || size[i] < -1)
      return fail(loc, "dim " + Twine(i) + ": begin must be >= 0 and size "
                                           ">= -1");
    bool isStatic = !ShapedType::isDynamic(dim);
    if (isStatic && (begin[i] > dim ||
                     (size[i] != -1 && begin[i] + size[i] > dim)))
      return fail(loc, "dim " + Twine(i) + ": slice [" + Twine(begin[i]) +
                           ", +" + Twine(size[i]) + ") exceeds size " +
                           Twine(dim));
    if (size[i] != -1)
      shape.push_back(size[i]);
    else
      shape.push_back(isStatic ? dim - begin[i] : kDynamic);
  }
  inferred.push_back(in.clone(shape));
  return success();
}

std::pair<int64_t, int64_t> sf::pythonSliceIndices(int64_t begin, int64_t end,
                                                   int64_t stride,
                                                   int64_t size) {
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](int64_t v) -> int64_t {
    if (v < 0) {
      v += size; // size >= 0: no overflow, even at INT64_MIN
      if (v < 0)
        v = stride < 0 ? -1 : 0;
    } else if (v >= size) {
      v = stride < 0 ? size - 1 : size;
    }
    return v;
  };
  int64_t b = adjust(begin), e = adjust(end);
  int64_t count = 0;
  if (stride < 0 && e < b)
    count = (b - e - 1) / -stride + 1;
  else if (stride > 0 && b < e)
    count = (e - b - 1) / stride + 1;
  return {b, count};
}

LogicalResult StridedSliceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  ArrayRef<int64_t> begin = adaptor.getBegin(), end = adaptor.getEnd(),
                    strides = adaptor.getStrides();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(begin.size()) != rank ||
      static_cast<int64_t>(end.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return fail(loc, "begin, end and strides need one entry per dim (rank " +
                         Twine(rank) + ")");
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(in.getShape())) {
    if (strides[i] == 0 || strides[i] == std::numeric_limits<int64_t>::min())
      return fail(loc, "stride of dim " + Twine(i) + " is 0 or INT64_MIN");
    shape.push_back(ShapedType::isDynamic(dim)
                        ? kDynamic
                        : pythonSliceIndices(begin[i], end[i], strides[i], dim)
                              .second);
  }
  inferred.push_back(in.clone(shape));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = rankedType(adaptor.getOperand());
  ArrayRef<int64_t> paddings = adaptor.getPaddings();
  if (static_cast<int64_t>(paddings.size()) != 2 * in.getRank())
    return fail(loc, "paddings need 2 entries per dim (" +
                         Twine(2 * in.getRank()) + "), got " +
                         Twine(paddings.size()));
  if (llvm::any_of(paddings, [](int64_t p) { return p < 0; }))
    return fail(loc, "paddings must be >= 0");
  if (rankedType(adaptor.getValue()).getElementType() != in.getElementType())
    return fail(loc, "pad value type differs from the operand element type");
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(in.getShape()))
    shape.push_back(ShapedType::isDynamic(dim)
                        ? kDynamic
                        : dim + paddings[2 * i] + paddings[2 * i + 1]);
  inferred.push_back(in.clone(shape));
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType() &&
      llvm::all_of(getPaddings(), [](int64_t p) { return p == 0; }))
    return getOperand();
  return {};
}

//===----------------------------------------------------------------------===//
// gather, one_hot, range
//===----------------------------------------------------------------------===//

FailureOr<std::pair<int64_t, int64_t>>
sf::gatherAxisAndBatchDims(std::optional<Location> loc, int64_t paramsRank,
                           int64_t indicesRank, int64_t axisAttr,
                           int64_t batchDimsAttr) {
  int64_t batchDims =
      batchDimsAttr < 0 ? batchDimsAttr + indicesRank : batchDimsAttr;
  if (batchDims < 0 || batchDims > indicesRank) {
    (void)fail(loc, "batch_dims " + Twine(batchDimsAttr) +
                        " is out of range for indices of rank " +
                        Twine(indicesRank));
    return failure();
  }
  std::optional<int64_t> axis = normalizeAxis(axisAttr, paramsRank);
  if (!axis || *axis < batchDims) {
    (void)fail(loc, "axis " + Twine(axisAttr) +
                        " must be in [batch_dims, rank of params)");
    return failure();
  }
  return std::make_pair(*axis, batchDims);
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType params = rankedType(adaptor.getParams());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  auto axes = gatherAxisAndBatchDims(
      loc, params.getRank(), indices.getRank(),
      static_cast<int64_t>(adaptor.getAxis()),
      static_cast<int64_t>(adaptor.getBatchDims()));
  if (failed(axes))
    return failure();
  auto [axis, batchDims] = *axes;
  SmallVector<int64_t> shape(params.getShape().take_front(axis));
  for (int64_t i = 0; i < batchDims; ++i) {
    int64_t p = params.getDimSize(i), q = indices.getDimSize(i);
    if (!ShapedType::isDynamic(p) && !ShapedType::isDynamic(q) && p != q)
      return fail(loc, "batch dim " + Twine(i) + " differs: params " +
                           Twine(p) + ", indices " + Twine(q));
    if (ShapedType::isDynamic(p))
      shape[i] = q;
  }
  llvm::append_range(shape, indices.getShape().drop_front(batchDims));
  llvm::append_range(shape, params.getShape().drop_front(axis + 1));
  inferred.push_back(params.clone(shape));
  return success();
}

LogicalResult UnsortedSegmentSumOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType ids = rankedType(adaptor.getSegmentIds());
  if (ids.getRank() != 1)
    return fail(loc, "segment_ids must be 1-D, got rank " + Twine(ids.getRank()));
  if (data.getRank() < 1)
    return fail(loc, "data must have rank >= 1");
  int64_t rows = data.getDimSize(0), n = ids.getDimSize(0);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(n) && rows != n)
    return fail(loc, "data has " + Twine(rows) + " rows but there are " +
                         Twine(n) + " segment ids");
  int64_t segments = static_cast<int64_t>(adaptor.getNumSegments());
  if (segments < 0)
    return fail(loc, "num_segments must be >= 0, got " + Twine(segments));
  SmallVector<int64_t> shape(data.getShape());
  shape[0] = segments;
  inferred.push_back(data.clone(shape));
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType indices = rankedType(adaptor.getIndices());
  Type on = rankedType(adaptor.getOnValue()).getElementType();
  if (on != rankedType(adaptor.getOffValue()).getElementType())
    return fail(loc, "on_value and off_value have different element types");
  int64_t depth = static_cast<int64_t>(adaptor.getDepth());
  if (depth < 0)
    return fail(loc, "depth must be >= 0, got " + Twine(depth));
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < -1 || axis > indices.getRank())
    return fail(loc, "axis " + Twine(axis) + " is out of range [-1, " +
                         Twine(indices.getRank()) + "]");
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + (axis == -1 ? indices.getRank() : axis), depth);
  inferred.push_back(RankedTensorType::get(shape, on));
  return success();
}

LogicalResult RangeOp::verify() {
  if (getType().getElementType() != rankedType(getStart()).getElementType())
    return emitOpError("result element type ")
           << getType().getElementType() << " differs from the bounds' "
           << rankedType(getStart()).getElementType();
  return success();
}
