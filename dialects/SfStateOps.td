//===- SfStateOps.td - variables (read/assign) and sf.print ---------------===//
//
// Mutable state: a `!sf.variable<T>` function argument is a handle to a
// buffer owned by the caller. The ops declare memory effects on it, so
// upstream passes keep reads and writes in program order; `sf-to-linalg`
// turns the handle into a memref.
//
//===----------------------------------------------------------------------===//
#ifndef SF_STATE_OPS_TD
#define SF_STATE_OPS_TD

include "SfDialect.td"

/// `$_self` is a variable; the constrained value has its tensor type.
class Sf_HoldsValueOf<string variable, string value>
    : TypesMatchWith<"'" # value # "' has the value type of '" # variable # "'",
                     variable, value,
                     "::llvm::cast<::mlir::sf::VariableType>($_self).getValueType()">;

def Sf_ReadOp : Sf_Op<"read", [Sf_HoldsValueOf<"variable", "result">]> {
  let summary = "the current value of a variable (a snapshot)";
  let description = [{
    TensorFlow's `ReadVariableOp`. The result is a value: a later
    `sf.assign` to the variable does not change it.
    ```mlir
    %x = sf.read %v : !sf.variable<tensor<2xf32>>
    ```
  }];
  let arguments = (ins Arg<Sf_VariableType, "the variable", [MemRead]>:$variable);
  let results = (outs Sf_Tensor:$result);
  let assemblyFormat = "$variable attr-dict `:` qualified(type($variable))";
}

class Sf_AssignOpBase<string mnemonic, list<MemoryEffect> effects>
    : Sf_Op<mnemonic, [Sf_HoldsValueOf<"variable", "value">]> {
  let arguments = (ins Arg<Sf_VariableType, "the variable", effects>:$variable,
                       Sf_Tensor:$value);
  let assemblyFormat = [{
    $variable `,` $value attr-dict `:` qualified(type($variable))
  }];
}

def Sf_AssignOp : Sf_AssignOpBase<"assign", [MemWrite]> {
  let summary = "stores a value into a variable";
  let description = [{
    ```mlir
    sf.assign %v, %x : !sf.variable<tensor<2xf32>>
    ```
  }];
}

def Sf_AssignAddOp : Sf_AssignOpBase<"assign_add", [MemRead, MemWrite]> {
  let summary = "variable += value";
  let description = [{
    ```mlir
    sf.assign_add %v, %x : !sf.variable<tensor<2xf32>>
    ```
  }];
}

def Sf_AssignSubOp : Sf_AssignOpBase<"assign_sub", [MemRead, MemWrite]> {
  let summary = "variable -= value";
  let description = [{
    ```mlir
    sf.assign_sub %v, %x : !sf.variable<tensor<2xf32>>
    ```
  }];
}

def Sf_PrintOp : Sf_Op<"print", [MemoryEffects<[MemWrite]>]> {
  let summary = "prints a message and a tensor's values at run time";
  let description = [{
    TensorFlow's `tf.print(message, x)`: writes `message`, a space and the
    values (NumPy style, e.g. `x = [1 2 3]`) to stderr when the compiled code
    runs. The write effect keeps it from being removed or reordered.
    ```mlir
    sf.print %x {message = "x ="} : tensor<3xi32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$input,
                       DefaultValuedStrAttr<StrAttr, "">:$message);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

#endif // SF_STATE_OPS_TD
