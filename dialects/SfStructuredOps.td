//===- SfStructuredOps.td - matmul, convolution, pooling ------------------===//
//
// Ops with a structured loop nest (contractions and sliding windows). Layouts
// follow TensorFlow: NHWC activations, HWIO filters; `strides`/`dilations`/
// `ksize` are [H, W] and `padding` is explicit [top, bottom, left, right]
// (Python resolves SAME/VALID). Result types are inferred from the operands;
// a written result type may be more or less static than the inferred one.
//
//===----------------------------------------------------------------------===//
#ifndef SF_STRUCTURED_OPS_TD
#define SF_STRUCTURED_OPS_TD

include "SfDialect.td"
include "SfTraits.td"

class Sf_StructuredOp<string mnemonic, list<Trait> traits = []>
    : Sf_Op<mnemonic, !listconcat(traits, [Pure, Sf_InferTypeFromAdaptor])>;

def Sf_MatmulOp : Sf_StructuredOp<"matmul",
    [AllElementTypesMatch<["a", "b", "result"]>]> {
  let summary = "matrix product of two 2-D tensors";
  let description = [{
    `result = op(a) @ op(b)` where `op` transposes when `transpose_a` /
    `transpose_b` is set (TensorFlow's `MatMul`).

    ```mlir
    %c = sf.matmul %a, %b {transpose_b = true}
        : (tensor<?x8xf32>, tensor<5x8xf32>) -> tensor<?x5xf32>
    ```
  }];
  let arguments = (ins Sf_NumericTensor:$a, Sf_NumericTensor:$b,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_a,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_b);
  let results = (outs Sf_NumericTensor:$result);
  let assemblyFormat =
      "$a `,` $b attr-dict `:` functional-type(operands, results)";
}

def Sf_BatchMatmulOp : Sf_StructuredOp<"batch_matmul",
    [AllElementTypesMatch<["a", "b", "result"]>]> {
  let summary = "matrix products over equal leading batch dims";
  let description = [{
    Operands of rank >= 3 with equal batch dims (broadcasting is explicit in
    sf); the last two dims are multiplied as by `sf.matmul`.

    ```mlir
    %c = sf.batch_matmul %a, %b {transpose_a = true}
        : (tensor<2x?x8x4xf32>, tensor<2x?x8x6xf32>) -> tensor<2x?x4x6xf32>
    ```
  }];
  let arguments = (ins Sf_NumericTensor:$a, Sf_NumericTensor:$b,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_a,
                   DefaultValuedAttr<BoolAttr, "false">:$transpose_b);
  let results = (outs Sf_NumericTensor:$result);
  let assemblyFormat =
      "$a `,` $b attr-dict `:` functional-type(operands, results)";
}

def Sf_Conv2DOp : Sf_StructuredOp<"conv2d",
    [AllElementTypesMatch<["input", "filter", "result"]>]> {
  let summary = "2-D convolution, NHWC input and HWIO filter";
  let description = [{
    TensorFlow's `Conv2D` (a cross-correlation) with explicit zero padding
    `[top, bottom, left, right]`. Output size per spatial dim:
    `(in + pad_before + pad_after - dilation * (k - 1) - 1) / stride + 1`.

    ```mlir
    %y = sf.conv2d %x, %w strides [2, 2] dilations [1, 1] padding [0, 1, 0, 1]
        : (tensor<?x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32>
    ```
  }];
  let arguments = (ins Sf_FloatTensor:$input, Sf_FloatTensor:$filter,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$padding);
  let results = (outs Sf_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter `strides` $strides `dilations` $dilations
    `padding` $padding attr-dict `:` functional-type(operands, results)
  }];
}

class Sf_PoolOp<string mnemonic, Type tensorType>
    : Sf_StructuredOp<mnemonic, [AllElementTypesMatch<["input", "result"]>]> {
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$ksize,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding);
  let results = (outs tensorType:$result);
  let assemblyFormat = [{
    $input `ksize` $ksize `strides` $strides `padding` $padding attr-dict
    `:` type($input) `->` type($result)
  }];
  // A 1x1 window with unit strides and no padding is the identity.
  let hasFolder = 1;
}

def Sf_MaxPoolOp : Sf_PoolOp<"max_pool", Sf_NumericTensor> {
  let summary = "maximum over sliding windows (NHWC)";
  let description = [{
    Padded positions never win: each padding is smaller than the window, so
    every window holds at least one input element.

    ```mlir
    %y = sf.max_pool %x ksize [3, 3] strides [2, 2] padding [1, 1, 1, 1]
        : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
    ```
  }];
}

def Sf_AvgPoolOp : Sf_PoolOp<"avg_pool", Sf_FloatTensor> {
  let summary = "mean over sliding windows (NHWC)";
  let description = [{
    Like TensorFlow's `AvgPool` with SAME padding, each window's sum is
    divided by the number of input (non-padding) elements in it.

    ```mlir
    %y = sf.avg_pool %x ksize [2, 2] strides [2, 2] padding [0, 0, 0, 0]
        : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
    ```
  }];
}

#endif // SF_STRUCTURED_OPS_TD
