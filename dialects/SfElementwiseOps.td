//===- SfElementwiseOps.td - constants, elementwise math, select, cast ---===//
#ifndef SF_ELEMENTWISE_OPS_TD
#define SF_ELEMENTWISE_OPS_TD

include "SfDialect.td"

def Sf_ConstantOp : Sf_Op<"constant", [Pure, ConstantLike,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "a constant tensor";
  let description = [{
    ```mlir
    %c = sf.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

/// Binary elementwise op: both operands have the result's shape (broadcasting
/// is explicit in the IR).
class Sf_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Sf_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins Sf_Tensor:$lhs, Sf_Tensor:$rhs);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Sf_AddOp : Sf_BinaryOp<"add", [Commutative]> {
  let summary = "elementwise addition";
  let description = [{
    ```mlir
    %z = sf.add %x, %y : tensor<?x3xf32>
    ```
  }];
  let hasFolder = 1;
}

#endif // SF_ELEMENTWISE_OPS_TD
