//===- StructuredOps.cpp - type inference and folders of matmul/conv/pool -===//
#include "strataflow/SfDialect.h"

using namespace mlir;
using namespace mlir::sf;

namespace {
bool sizesConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// The static one of two sizes known to agree.
int64_t mergeSizes(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

/// Result type of (batch_)matmul; the last two dims are contracted.
LogicalResult inferContraction(std::optional<Location> loc, StringRef opName,
                               Type aType, Type bType, bool transposeA,
                               bool transposeB, bool batched,
                               SmallVectorImpl<Type> &inferred) {
  auto a = dyn_cast<RankedTensorType>(aType);
  auto b = dyn_cast<RankedTensorType>(bType);
  if (!a || !b)
    return emitOptionalError(loc, opName, ": operands must be ranked tensors");
  if (!batched && (a.getRank() != 2 || b.getRank() != 2))
    return emitOptionalError(loc, opName, ": operands must be 2-D, got ", a,
                             " and ", b);
  if (batched && (a.getRank() < 3 || a.getRank() != b.getRank()))
    return emitOptionalError(loc, opName,
                             ": operands must have one rank >= 3, got ", a,
                             " and ", b);
  if (a.getElementType() != b.getElementType())
    return emitOptionalError(loc, opName,
                             ": operands must have one element type, got ", a,
                             " and ", b);
  int64_t rank = a.getRank();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank - 2; ++i) {
    if (sizesConflict(a.getDimSize(i), b.getDimSize(i)))
      return emitOptionalError(loc, opName, ": batch dim ", i, " differs: ",
                               a.getDimSize(i), " vs ", b.getDimSize(i));
    shape.push_back(mergeSizes(a.getDimSize(i), b.getDimSize(i)));
  }
  int64_t rows = a.getDimSize(transposeA ? rank - 1 : rank - 2);
  int64_t kA = a.getDimSize(transposeA ? rank - 2 : rank - 1);
  int64_t kB = b.getDimSize(transposeB ? rank - 1 : rank - 2);
  int64_t cols = b.getDimSize(transposeB ? rank - 2 : rank - 1);
  if (sizesConflict(kA, kB))
    return emitOptionalError(loc, opName, ": contracted dims differ: ", kA,
                             " (a, transpose_a=", transposeA ? "true" : "false",
                             ") vs ", kB, " (b, transpose_b=",
                             transposeB ? "true" : "false", ")");
  shape.append({rows, cols});
  inferred.push_back(RankedTensorType::get(shape, a.getElementType()));
  return success();
}

LogicalResult checkPositivePair(std::optional<Location> loc, StringRef opName,
                                StringRef attrName, ArrayRef<int64_t> values) {
  if (values.size() != 2 || values[0] < 1 || values[1] < 1)
    return emitOptionalError(loc, opName, ": ", attrName,
                             " must be 2 positive values [H, W], got [", values,
                             "]");
  return success();
}

LogicalResult checkPadding(std::optional<Location> loc, StringRef opName,
                           ArrayRef<int64_t> padding) {
  if (padding.size() != 4 || llvm::any_of(padding, [](int64_t p) {
        return p < 0;
      }))
    return emitOptionalError(
        loc, opName,
        ": padding must be 4 non-negative values [top, bottom, left, right], "
        "got [",
        padding, "]");
  return success();
}

/// floor((in + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1.
FailureOr<int64_t> windowedSize(std::optional<Location> loc, StringRef opName,
                                StringRef dimName, int64_t in, int64_t window,
                                int64_t stride, int64_t dilation,
                                int64_t padBefore, int64_t padAfter) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(window))
    return ShapedType::kDynamic;
  int64_t span = dilation * (window - 1) + 1;
  int64_t padded = in + padBefore + padAfter;
  if (span > padded)
    return emitOptionalError(loc, opName, ": window (", span,
                             ") exceeds the padded input (", padded,
                             ") along ", dimName);
  return (padded - span) / stride + 1;
}

/// NHWC input of a pool or convolution, as a ranked 4-D type.
FailureOr<RankedTensorType> nhwcInput(std::optional<Location> loc,
                                      StringRef opName, Type type) {
  auto input = dyn_cast<RankedTensorType>(type);
  if (!input || input.getRank() != 4)
    return emitOptionalError(loc, opName, ": input must be 4-D (NHWC), got ",
                             type);
  return input;
}

template <typename PoolOp>
LogicalResult inferPool(std::optional<Location> loc,
                        typename PoolOp::Adaptor adaptor,
                        SmallVectorImpl<Type> &inferred) {
  StringRef name = PoolOp::getOperationName();
  FailureOr<RankedTensorType> input =
      nhwcInput(loc, name, adaptor.getInput().getType());
  ArrayRef<int64_t> ksize = adaptor.getKsize();
  ArrayRef<int64_t> strides = adaptor.getStrides();
  ArrayRef<int64_t> padding = adaptor.getPadding();
  if (failed(input) || failed(checkPositivePair(loc, name, "ksize", ksize)) ||
      failed(checkPositivePair(loc, name, "strides", strides)) ||
      failed(checkPadding(loc, name, padding)))
    return failure();
  // Every window then overlaps the input: no window is all padding.
  if (padding[0] >= ksize[0] || padding[1] >= ksize[0] ||
      padding[2] >= ksize[1] || padding[3] >= ksize[1])
    return emitOptionalError(loc, name,
                             ": padding must be smaller than the window, got "
                             "padding [",
                             padding, "] for ksize [", ksize, "]");
  FailureOr<int64_t> height =
      windowedSize(loc, name, "H", input->getDimSize(1), ksize[0], strides[0],
                   1, padding[0], padding[1]);
  FailureOr<int64_t> width =
      windowedSize(loc, name, "W", input->getDimSize(2), ksize[1], strides[1],
                   1, padding[2], padding[3]);
  if (failed(height) || failed(width))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {input->getDimSize(0), *height, *width, input->getDimSize(3)},
      input->getElementType()));
  return success();
}

template <typename PoolOp>
OpFoldResult foldIdentityPool(PoolOp op) {
  auto isOne = [](int64_t v) { return v == 1; };
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(op.getKsize(), isOne) &&
      llvm::all_of(op.getStrides(), isOne) &&
      llvm::all_of(op.getPadding(), isZero) &&
      op.getInput().getType() == op.getType())
    return op.getInput();
  return {};
}
} // namespace

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferContraction(loc, getOperationName(), adaptor.getA().getType(),
                          adaptor.getB().getType(), adaptor.getTransposeA(),
                          adaptor.getTransposeB(), /*batched=*/false, inferred);
}

LogicalResult BatchMatmulOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  return inferContraction(loc, getOperationName(), adaptor.getA().getType(),
                          adaptor.getB().getType(), adaptor.getTransposeA(),
                          adaptor.getTransposeB(), /*batched=*/true, inferred);
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  FailureOr<RankedTensorType> input =
      nhwcInput(loc, name, adaptor.getInput().getType());
  if (failed(input))
    return failure();
  auto filter = dyn_cast<RankedTensorType>(adaptor.getFilter().getType());
  if (!filter || filter.getRank() != 4)
    return emitOptionalError(loc, name, ": filter must be 4-D (HWIO), got ",
                             adaptor.getFilter().getType());
  ArrayRef<int64_t> strides = adaptor.getStrides();
  ArrayRef<int64_t> dilations = adaptor.getDilations();
  ArrayRef<int64_t> padding = adaptor.getPadding();
  if (failed(checkPositivePair(loc, name, "strides", strides)) ||
      failed(checkPositivePair(loc, name, "dilations", dilations)) ||
      failed(checkPadding(loc, name, padding)))
    return failure();
  if (sizesConflict(input->getDimSize(3), filter.getDimSize(2)))
    return emitOptionalError(loc, name, ": input has ", input->getDimSize(3),
                             " channels but the filter expects ",
                             filter.getDimSize(2));
  FailureOr<int64_t> height =
      windowedSize(loc, name, "H", input->getDimSize(1), filter.getDimSize(0),
                   strides[0], dilations[0], padding[0], padding[1]);
  FailureOr<int64_t> width =
      windowedSize(loc, name, "W", input->getDimSize(2), filter.getDimSize(1),
                   strides[1], dilations[1], padding[2], padding[3]);
  if (failed(height) || failed(width))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {input->getDimSize(0), *height, *width, filter.getDimSize(3)},
      input->getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool<MaxPoolOp>(loc, adaptor, inferred);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool<AvgPoolOp>(loc, adaptor, inferred);
}

OpFoldResult MaxPoolOp::fold(FoldAdaptor) { return foldIdentityPool(*this); }
OpFoldResult AvgPoolOp::fold(FoldAdaptor) { return foldIdentityPool(*this); }
