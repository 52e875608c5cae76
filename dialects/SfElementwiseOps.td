//===- SfElementwiseOps.td - constants, elementwise math, select, cast ---===//
//
// Every op here works element by element on operands of the result's shape
// (broadcasting is explicit: `sf.broadcast_to`). Each op is one line on top
// of a class per kind; sf-to-linalg lowers each to one linalg.generic.
//
//===----------------------------------------------------------------------===//
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

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

/// `%y = sf.<mnemonic> %x : T`; the result has the operand's type.
class Sf_UnaryOp<string mnemonic, string formula, Type operandType,
                 string exampleType, list<Trait> traits = []>
    : Sf_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                           InferTypeOpInterface])> {
  let summary = "elementwise " # formula;
  let description = "Computes `" # formula # "` for every element.\n\n"
    "```mlir\n%y = sf." # mnemonic # " %x : " # exampleType # "\n```";
  let arguments = (ins operandType:$operand);
  let results = (outs operandType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

/// Transcendental and rounding functions: floating-point tensors only.
class Sf_FloatUnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Sf_UnaryOp<mnemonic, formula, Sf_FloatTensor, "tensor<?x3xf32>", traits>;
/// Arithmetic on any non-bool tensor (ui8 uses unsigned semantics).
class Sf_NumericUnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Sf_UnaryOp<mnemonic, formula, Sf_NumericTensor, "tensor<4xi32>", traits>;

def Sf_NegOp : Sf_NumericUnaryOp<"neg", "-x"> { let hasFolder = 1; }
def Sf_AbsOp : Sf_NumericUnaryOp<"abs", "|x|">;
def Sf_SquareOp : Sf_NumericUnaryOp<"square", "x * x">;
def Sf_SignOp : Sf_NumericUnaryOp<"sign", "x > 0 ? 1 : x < 0 ? -1 : x">;
def Sf_ReluOp : Sf_NumericUnaryOp<"relu", "max(x, 0)">;
def Sf_ExpOp : Sf_FloatUnaryOp<"exp", "e^x">;
def Sf_LogOp : Sf_FloatUnaryOp<"log", "ln(x)">;
def Sf_Log1pOp : Sf_FloatUnaryOp<"log1p", "ln(1 + x)">;
def Sf_Expm1Op : Sf_FloatUnaryOp<"expm1", "e^x - 1">;
def Sf_SqrtOp : Sf_FloatUnaryOp<"sqrt", "sqrt(x)">;
def Sf_RsqrtOp : Sf_FloatUnaryOp<"rsqrt", "1 / sqrt(x)">;
def Sf_SinOp : Sf_FloatUnaryOp<"sin", "sin(x)">;
def Sf_CosOp : Sf_FloatUnaryOp<"cos", "cos(x)">;
def Sf_TanhOp : Sf_FloatUnaryOp<"tanh", "tanh(x)">;
def Sf_SigmoidOp : Sf_FloatUnaryOp<"sigmoid", "1 / (1 + e^-x)">;
def Sf_GeluOp : Sf_FloatUnaryOp<"gelu",
    "x / 2 * (1 + erf(x / sqrt(2))) (exact GELU, TF's approximate=False)">;
def Sf_ErfOp : Sf_FloatUnaryOp<"erf", "erf(x)">;
def Sf_FloorOp : Sf_FloatUnaryOp<"floor", "floor(x)">;
def Sf_CeilOp : Sf_FloatUnaryOp<"ceil", "ceil(x)">;
def Sf_RoundOp : Sf_FloatUnaryOp<"round", "x rounded half to even (TF's round)">;
def Sf_LogicalNotOp : Sf_UnaryOp<"logical_not", "!x", Sf_BoolTensor,
                                 "tensor<4xi1>"> {
  let hasFolder = 1;
}
def Sf_InvertOp : Sf_UnaryOp<"invert", "~x (bitwise not)", Sf_IntTensor,
                             "tensor<4xi32>">;

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

/// `%z = sf.<mnemonic> %x, %y : T`: operands and result have one type.
class Sf_BinaryOp<string mnemonic, list<Trait> traits = [],
                  Type operandType = Sf_NumericTensor,
                  string formula = "x " # mnemonic # " y">
    : Sf_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType,
                                           InferTypeOpInterface])> {
  let summary = "elementwise " # formula;
  let description = "Computes `" # formula # "` for every pair of elements "
    "(operands of one shape; see `sf.broadcast_to`).\n\n"
    "```mlir\n%z = sf." # mnemonic # " %x, %y : tensor<?x3xf32>\n```";
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Sf_AddOp : Sf_BinaryOp<"add", [Commutative], Sf_NumericTensor, "x + y"> {
  let hasFolder = 1;
}
def Sf_SubOp : Sf_BinaryOp<"sub", [], Sf_NumericTensor, "x - y"> {
  let hasFolder = 1;
}
def Sf_MulOp : Sf_BinaryOp<"mul", [Commutative], Sf_NumericTensor, "x * y"> {
  let hasFolder = 1;
}
def Sf_DivOp : Sf_BinaryOp<"div", [], Sf_NumericTensor,
    "x / y (integers: truncated toward zero; x / 0 = -1 and INT_MIN / -1 = "
    "INT_MIN instead of trapping)">;
def Sf_FloorDivOp : Sf_BinaryOp<"floordiv", [], Sf_NumericTensor,
    "floor(x / y) (TF's FloorDiv, Python's //; integer x // 0 = -1)">;
def Sf_ModOp : Sf_BinaryOp<"mod", [], Sf_NumericTensor,
    "x - floor(x / y) * y (TF's FloorMod: the sign follows y; integer "
    "x mod 0 = x)">;
def Sf_PowOp : Sf_BinaryOp<"pow", [], Sf_NumericTensor,
    "x ^ y (integers: exact; a negative exponent truncates toward zero)">;
def Sf_MaximumOp : Sf_BinaryOp<"maximum", [Commutative], Sf_NumericTensor,
    "max(x, y) (NaN propagates)"> {
  let hasFolder = 1;
}
def Sf_MinimumOp : Sf_BinaryOp<"minimum", [Commutative], Sf_NumericTensor,
    "min(x, y) (NaN propagates)"> {
  let hasFolder = 1;
}
def Sf_LogicalAndOp : Sf_BinaryOp<"logical_and", [Commutative], Sf_BoolTensor,
                                  "x && y">;
def Sf_LogicalOrOp : Sf_BinaryOp<"logical_or", [Commutative], Sf_BoolTensor,
                                 "x || y">;
def Sf_BitwiseAndOp : Sf_BinaryOp<"bitwise_and", [Commutative], Sf_IntTensor,
                                  "x & y">;
def Sf_BitwiseOrOp : Sf_BinaryOp<"bitwise_or", [Commutative], Sf_IntTensor,
                                 "x | y">;
def Sf_BitwiseXorOp : Sf_BinaryOp<"bitwise_xor", [Commutative], Sf_IntTensor,
                                  "x ^ y">;
def Sf_LeftShiftOp : Sf_BinaryOp<"left_shift", [], Sf_IntTensor,
    "x << y (0 where y < 0 or y >= the bit width, as NumPy)">;
def Sf_RightShiftOp : Sf_BinaryOp<"right_shift", [], Sf_IntTensor,
    "x >> y (arithmetic for signed, logical for ui8; a shift by y < 0 or "
    "y >= the bit width fills with the sign, as NumPy)">;

/// Comparisons: operands of one type, an i1 result of their shape.
class Sf_CompareOp<string mnemonic, string formula, Type operandType,
                   list<Trait> traits = []>
    : Sf_Op<mnemonic, !listconcat(traits, [Pure, AllTypesMatch<["lhs", "rhs"]>,
        TypesMatchWith<"result is an i1 tensor of the operands' shape",
            "lhs", "result",
            "::llvm::cast<::mlir::ShapedType>($_self).clone("
            "::mlir::IntegerType::get($_self.getContext(), 1))">,
        DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let summary = "elementwise " # formula # " (i1 result)";
  let description = "True where `" # formula # "` (false for NaN operands, "
    "except `not_equal`).\n\n"
    "```mlir\n%b = sf." # mnemonic # " %x, %y : tensor<?x3xf32>\n"
    "// %b : tensor<?x3xi1>\n```";
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs Sf_BoolTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs)";
}

def Sf_EqualOp : Sf_CompareOp<"equal", "x == y", Sf_Tensor, [Commutative]>;
def Sf_NotEqualOp : Sf_CompareOp<"not_equal", "x != y", Sf_Tensor,
                                 [Commutative]>;
def Sf_LessOp : Sf_CompareOp<"less", "x < y", Sf_NumericTensor>;
def Sf_LessEqualOp : Sf_CompareOp<"less_equal", "x <= y", Sf_NumericTensor>;
def Sf_GreaterOp : Sf_CompareOp<"greater", "x > y", Sf_NumericTensor>;
def Sf_GreaterEqualOp : Sf_CompareOp<"greater_equal", "x >= y",
                                     Sf_NumericTensor>;

//===----------------------------------------------------------------------===//
// select, cast
//===----------------------------------------------------------------------===//

def Sf_SelectOp : Sf_Op<"select", [Pure,
    AllTypesMatch<["true_value", "false_value", "result"]>,
    TypesMatchWith<"condition is an i1 tensor of the result's shape",
        "result", "condition",
        "::llvm::cast<::mlir::ShapedType>($_self).clone("
        "::mlir::IntegerType::get($_self.getContext(), 1))">,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "elementwise choice: condition ? true_value : false_value";
  let description = [{
    TF's `tf.where(c, a, b)` with operands of one shape.
    ```mlir
    %z = sf.select %c, %a, %b : tensor<?x3xf32>   // %c : tensor<?x3xi1>
    ```
  }];
  let arguments = (ins Sf_BoolTensor:$condition, Sf_Tensor:$true_value,
                   Sf_Tensor:$false_value);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:` type($result)
  }];
  let hasFolder = 1;
}

def Sf_CastOp : Sf_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise conversion of the element type (tf.cast)";
  let description = [{
    TF semantics: float -> int truncates toward zero; number -> bool is
    `x != 0`; bool -> number gives 0 or 1; ui8 converts as unsigned. Float
    -> int of a NaN or out-of-range value is unspecified (as in TF).
    ```mlir
    %i = sf.cast %x : tensor<?x3xf32> to tensor<?x3xi32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$operand);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `to` type($result)";
  let hasFolder = 1;
}

#endif // SF_ELEMENTWISE_OPS_TD
