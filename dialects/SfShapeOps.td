//===- SfShapeOps.td - shape queries, layout changes, indexing -----------===//
//
// Result types are inferred (InferTypeOpAdaptor) wherever attributes and
// operand types determine them; the inference doubles as the verifier. Ops
// whose shape comes from a runtime value (broadcast_to, reshape, range) take
// it as a 1-D i64 operand and carry the static dims they know in the result.
//
//===----------------------------------------------------------------------===//
#ifndef SF_SHAPE_OPS_TD
#define SF_SHAPE_OPS_TD

include "SfDialect.td"

/// A shape operand: 1-D i64, like TF's Reshape/BroadcastTo `shape`.
def Sf_ShapeTensor : 1DTensorOf<[I64]>;
/// A scalar held in a 0-D tensor (pad value, one_hot on/off, range bounds).
def Sf_ScalarTensor : 0DTensorOf<[F16, BF16, F32, F64, I1, I8, I16, I32, I64, UI8]>;

class Sf_ShapeOp<string mnemonic, list<Trait> traits = []>
    : Sf_Op<mnemonic, !listconcat(traits, [Pure])>;

/// A shape op with an inferred result type. The written result type may be
/// more or less static than the inference (Python's shape specs, shape
/// refinement) as long as the two are compatible; the lowering casts.
class Sf_InferredShapeOp<string mnemonic, list<Trait> traits = []>
    : Sf_ShapeOp<mnemonic,
                 !listconcat(traits, [InferTypeOpAdaptorWithIsCompatible])> {
  let extraClassDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                            ::mlir::TypeRange actual) {
      if (inferred.size() != actual.size())
        return false;
      for (auto [a, b] : ::llvm::zip(inferred, actual)) {
        auto x = ::llvm::dyn_cast<::mlir::RankedTensorType>(a);
        auto y = ::llvm::dyn_cast<::mlir::RankedTensorType>(b);
        if (!x || !y || x.getElementType() != y.getElementType() ||
            x.getRank() != y.getRank())
          return false;
        for (auto [p, q] : ::llvm::zip(x.getShape(), y.getShape()))
          if (!::mlir::ShapedType::isDynamic(p) &&
              !::mlir::ShapedType::isDynamic(q) && p != q)
            return false;
      }
      return true;
    }
  }];
}

//===----------------------------------------------------------------------===//
// Shape queries
//===----------------------------------------------------------------------===//

def Sf_DimOp : Sf_ShapeOp<"dim", [InferTypeOpAdaptor]> {
  let summary = "the size of one dimension, as a 0-D i64 tensor";
  let description = [{
    `axis` may be negative (counted from the end).
    ```mlir
    %n = sf.dim %x[0] : tensor<?x3xf32>     // %n : tensor<i64>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, I64Attr:$axis);
  let results = (outs 0DTensorOf<[I64]>:$result);
  let assemblyFormat = "$operand `[` $axis `]` attr-dict `:` type($operand)";
  let hasFolder = 1;
}

def Sf_ShapeOfOp : Sf_ShapeOp<"shape", [InferTypeOpAdaptor]> {
  let summary = "the shape of a tensor as a 1-D i64 tensor (tf.shape)";
  let description = [{
    ```mlir
    %s = sf.shape %x : tensor<?x3xf32>      // %s : tensor<2xi64>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand);
  let results = (outs Sf_ShapeTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape changes driven by a shape operand
//===----------------------------------------------------------------------===//

def Sf_BroadcastToOp : Sf_ShapeOp<"broadcast_to"> {
  let summary = "NumPy/TF broadcasting of a tensor to a shape";
  let description = [{
    The operand's dims align with the trailing dims of the result; each is 1
    (broadcast) or equal to the result's. Static result dims must agree with
    `shape` at runtime; dynamic ones are read from it.
    ```mlir
    %y = sf.broadcast_to %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, Sf_ShapeTensor:$shape);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Sf_ReshapeOp : Sf_ShapeOp<"reshape"> {
  let summary = "the same elements in row-major order under a new shape";
  let description = [{
    `shape` may hold one -1 (tf.reshape): that dim takes the remaining
    elements. Static result dims must agree with `shape` at runtime.
    ```mlir
    %y = sf.reshape %x, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, Sf_ShapeTensor:$shape);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Layout changes with static attributes
//===----------------------------------------------------------------------===//

def Sf_TransposeOp : Sf_InferredShapeOp<"transpose"> {
  let summary = "permutes dimensions: result dim i is operand dim perm[i]";
  let description = [{
    ```mlir
    %y = sf.transpose %x {perm = array<i64: 1, 0>} : tensor<?x3xf32> -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, DenseI64ArrayAttr:$perm);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasFolder = 1;
}

def Sf_ExpandDimsOp : Sf_InferredShapeOp<"expand_dims"> {
  let summary = "inserts a size-1 dimension at `axis` (in [-rank-1, rank])";
  let description = [{
    ```mlir
    %y = sf.expand_dims %x {axis = -1} : tensor<?x3xf32> -> tensor<?x3x1xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, I64Attr:$axis);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
}

def Sf_SqueezeOp : Sf_InferredShapeOp<"squeeze"> {
  let summary = "removes size-1 dimensions";
  let description = [{
    Removes `axes` (each static 1, or dynamic and 1 at runtime); empty `axes`
    removes every static size-1 dim.
    ```mlir
    %y = sf.squeeze %x {axes = array<i64: 0>} : tensor<1x3xf32> -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, DenseI64ArrayAttr:$axes);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasFolder = 1;
}

def Sf_ReverseOp : Sf_ShapeOp<"reverse", [SameOperandsAndResultType,
                                          InferTypeOpInterface]> {
  let summary = "reverses the order of elements along `axes` (tf.reverse)";
  let description = [{
    ```mlir
    %y = sf.reverse %x {axes = array<i64: 0>} : tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, DenseI64ArrayAttr:$axes);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Sf_ConcatOp : Sf_InferredShapeOp<"concat"> {
  let summary = "joins tensors along `axis` (tf.concat)";
  let description = [{
    ```mlir
    %y = sf.concat %a, %b {axis = 0} : (tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Sf_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, $result)";
  let hasFolder = 1;
}

def Sf_SliceOp : Sf_InferredShapeOp<"slice"> {
  let summary = "a contiguous block: `size` elements from `begin` (tf.slice)";
  let description = [{
    A `size` of -1 takes everything to the end of the dim.
    ```mlir
    %y = sf.slice %x {begin = array<i64: 1, 0>, size = array<i64: 2, -1>}
        : tensor<4x?xf32> -> tensor<2x?xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, DenseI64ArrayAttr:$begin,
                   DenseI64ArrayAttr:$size);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
}

def Sf_StridedSliceOp : Sf_InferredShapeOp<"strided_slice"> {
  let summary = "x[begin:end:stride] per dim, Python slice semantics";
  let description = [{
    Each dim is sliced like Python's `slice(begin, end, stride).indices(n)`:
    negative bounds count from the end, out-of-range bounds clamp, strides
    may be negative (never 0). Python resolves TF's masks before emitting:
    a missing bound is INT64_MIN/INT64_MAX (the clamp does the rest), and
    shrink/new axes become sf.reshape.
    ```mlir
    %y = sf.strided_slice %x {begin = array<i64: -1>, end = array<i64: -9223372036854775808>,
                              strides = array<i64: -2>} : tensor<5xf32> -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, DenseI64ArrayAttr:$begin,
                   DenseI64ArrayAttr:$end, DenseI64ArrayAttr:$strides);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
}

def Sf_PadOp : Sf_InferredShapeOp<"pad"> {
  let summary = "constant padding (tf.pad, mode CONSTANT)";
  let description = [{
    `paddings` holds [before_0, after_0, before_1, after_1, ...] (>= 0);
    `value` is a 0-D tensor of the element type.
    ```mlir
    %y = sf.pad %x, %zero {paddings = array<i64: 1, 1, 0, 2>}
        : (tensor<2x3xf32>, tensor<f32>) -> tensor<4x5xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand, Sf_ScalarTensor:$value,
                   DenseI64ArrayAttr:$paddings);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand `,` $value attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Indexing and generators
//===----------------------------------------------------------------------===//

def Sf_GatherOp : Sf_InferredShapeOp<"gather"> {
  let summary = "picks slices of `params` along `axis` at `indices` (tf.gather)";
  let description = [{
    Result shape: params[:axis] + indices[batch_dims:] + params[axis+1:];
    the first `batch_dims` dims of params and indices are shared. Compiled
    code clamps out-of-range indices into [0, params.shape[axis] - 1]
    (TF's CPU kernel raises an error instead).
    ```mlir
    %y = sf.gather %p, %i {axis = 0, batch_dims = 0}
        : (tensor<5x3xf32>, tensor<?xi32>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$params, Sf_IndexTensor:$indices,
                   I64Attr:$axis, DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$params `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Sf_UnsortedSegmentSumOp : Sf_InferredShapeOp<"unsorted_segment_sum"> {
  let summary = "sums the rows of `data` into the segments given by `segment_ids`";
  let description = [{
    tf.math.unsorted_segment_sum with 1-D `segment_ids`: row i of `data`
    (its first dim) is added into row `segment_ids[i]` of a zero result of
    `num_segments` rows. Ids outside [0, num_segments) are dropped (TF's CPU
    kernel raises an error instead). The gradient of `sf.gather`.
    ```mlir
    %y = sf.unsorted_segment_sum %d, %ids {num_segments = 5}
        : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<5x3xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$data, Sf_IndexTensor:$segment_ids,
                   I64Attr:$num_segments);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$data `,` $segment_ids attr-dict `:` functional-type(operands, results)";
}

def Sf_OneHotOp : Sf_InferredShapeOp<"one_hot"> {
  let summary = "on_value where the index equals the position along `axis`";
  let description = [{
    A new dim of size `depth` is inserted at `axis` (-1: last); indices out
    of [0, depth) give an all-`off_value` row (as TF).
    ```mlir
    %y = sf.one_hot %i, %on, %off {axis = -1, depth = 4}
        : (tensor<?xi32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Sf_IndexTensor:$indices, Sf_ScalarTensor:$on_value,
                   Sf_ScalarTensor:$off_value, I64Attr:$depth,
                   DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = [{
    $indices `,` $on_value `,` $off_value attr-dict `:` functional-type(operands, results)
  }];
}

def Sf_RangeOp : Sf_ShapeOp<"range", [AllTypesMatch<["start", "limit", "delta"]>]> {
  let summary = "start, start + delta, ... up to (excluding) limit (tf.range)";
  let description = [{
    The length is max(0, ceil((limit - start) / delta)); a static result
    dim must agree with it at runtime.
    ```mlir
    %r = sf.range %start, %limit, %delta : tensor<i32> -> tensor<?xi32>
    ```
  }];
  let arguments = (ins Sf_ScalarTensor:$start, Sf_ScalarTensor:$limit,
                   Sf_ScalarTensor:$delta);
  let results = (outs 1DTensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64, UI8]>:$result);
  let assemblyFormat = "$start `,` $limit `,` $delta attr-dict `:` type($start) `->` type($result)";
  let hasVerifier = 1;
}

#endif // SF_SHAPE_OPS_TD
