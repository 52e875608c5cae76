//===- SfReductionOps.td - reductions, arg-reductions, softmax ------------===//
//
// TensorFlow's reductions: `axes` may be negative (counted from the back),
// an empty `axes` reduces nothing, `keepdims` keeps reduced dims as size 1.
//
//===----------------------------------------------------------------------===//
#ifndef SF_REDUCTION_OPS_TD
#define SF_REDUCTION_OPS_TD

include "SfDialect.td"
include "SfTraits.td"

class Sf_ReductionOp<string mnemonic, Type tensorType, string what>
    : Sf_Op<mnemonic, [Pure, Sf_InferTypeFromAdaptor,
                       AllElementTypesMatch<["input", "result"]>]> {
  let summary = what # " over `axes`";
  let description = [{
    Reduces `input` over `axes` (negative values count from the back); with
    `keepdims` the reduced dims stay as size 1.

    ```mlir
    %y = sf.}] # mnemonic # [{ %x axes [-1] {keepdims = true}
        : tensor<?x8xf32> -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "false">:$keepdims);
  let results = (outs tensorType:$result);
  let assemblyFormat =
      "$input `axes` $axes attr-dict `:` type($input) `->` type($result)";
  // Reducing only size-1 dims while keeping them is the identity.
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The reduced dims, in [0, rank) and sorted.
    ::llvm::SmallVector<int64_t> getReducedDims();
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::mlir::sf::inferReducedType(loc, getOperationName(),
          adaptor.getInput().getType(), adaptor.getAxes(),
          adaptor.getKeepdims(), inferred);
    }
    ::llvm::SmallVector<int64_t> $cppClass::getReducedDims() {
      return ::mlir::sf::normalizedAxes(getAxes(), getInput().getType().getRank());
    }
    ::mlir::OpFoldResult $cppClass::fold(FoldAdaptor) {
      return ::mlir::sf::foldTrivialReduction(getInput(), getReducedDims(),
                                             getType());
    }
  }];
}

def Sf_ReduceSumOp : Sf_ReductionOp<"reduce_sum", Sf_NumericTensor, "sum"> {}
def Sf_ReduceMeanOp : Sf_ReductionOp<"reduce_mean", Sf_NumericTensor,
    "mean (integer division for integer tensors)"> {}
def Sf_ReduceProdOp : Sf_ReductionOp<"reduce_prod", Sf_NumericTensor,
    "product"> {}
def Sf_ReduceMaxOp : Sf_ReductionOp<"reduce_max", Sf_NumericTensor,
    "maximum (NaN-propagating)"> {}
def Sf_ReduceMinOp : Sf_ReductionOp<"reduce_min", Sf_NumericTensor,
    "minimum (NaN-propagating)"> {}
def Sf_ReduceAnyOp : Sf_ReductionOp<"reduce_any", Sf_BoolTensor,
    "logical or"> {}
def Sf_ReduceAllOp : Sf_ReductionOp<"reduce_all", Sf_BoolTensor,
    "logical and"> {}

class Sf_ArgReductionOp<string mnemonic, string what>
    : Sf_Op<mnemonic, [Pure]> {
  let summary = "index of the " # what # " along `axis`";
  let description = [{
    Removes `axis` (negative counts from the back); the result's element type
    (i32 or i64) is the index type. Ties give the first index, and a NaN
    beats every number (the first NaN wins), as in TensorFlow and NumPy.

    ```mlir
    %i = sf.}] # mnemonic # [{ %x axis -1 : tensor<?x8xf32> -> tensor<?xi64>
    ```
  }];
  let arguments = (ins Sf_NumericTensor:$input, I64Attr:$axis);
  let results = (outs Sf_IndexTensor:$result);
  let assemblyFormat =
      "$input `axis` $axis attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  // Along a size-1 axis every index is 0.
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      // I64Attr's getter is unsigned; the axis may be negative.
      int64_t axis = getAxis(), rank = getInput().getType().getRank();
      return axis < 0 ? axis + rank : axis;
    }
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::sf::verifyArgReduction(getOperation(), getAxis());
    }
    ::mlir::OpFoldResult $cppClass::fold(FoldAdaptor) {
      return ::mlir::sf::foldTrivialArgReduction(getInput().getType(),
                                                getNormalizedAxis(), getType());
    }
  }];
}

def Sf_ArgMaxOp : Sf_ArgReductionOp<"argmax", "maximum">;
def Sf_ArgMinOp : Sf_ArgReductionOp<"argmin", "minimum">;

class Sf_SoftmaxLikeOp<string mnemonic, string formula>
    : Sf_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = formula # " along `axis`";
  let description = [{
    A composite op: `sf-decompose` rewrites it into the numerically stable
    form (the maximum along `axis` is subtracted first).

    ```mlir
    %y = sf.}] # mnemonic # [{ %x axis -1 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Sf_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Sf_FloatTensor:$result);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      // I64Attr's getter is unsigned; the axis may be negative.
      int64_t axis = getAxis(), rank = getInput().getType().getRank();
      return axis < 0 ? axis + rank : axis;
    }
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::sf::verifyAxis(getOperation(), getAxis(),
                                    getInput().getType().getRank());
    }
  }];
}

def Sf_SoftmaxOp : Sf_SoftmaxLikeOp<"softmax", "exp(x) / sum(exp(x))">;
def Sf_LogSoftmaxOp : Sf_SoftmaxLikeOp<"log_softmax",
    "x - log(sum(exp(x)))">;

#endif // SF_REDUCTION_OPS_TD
