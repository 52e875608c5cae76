//===- SfDialect.td - the sf dialect, its types and op base classes -------===//
//
// `sf` is strataflow's high-level tensor dialect: TensorFlow semantics on
// ranked tensors with static or dynamic dims. Broadcasting is explicit
// (`sf.broadcast_to`), so elementwise ops take operands of one shape.
//
//===----------------------------------------------------------------------===//
#ifndef SF_DIALECT_TD
#define SF_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Sf_Dialect : Dialect {
  let name = "sf";
  let summary = "strataflow's high-level tensor dialect (TensorFlow semantics)";
  let description = [{
    Ops on ranked tensors of f16/bf16/f32/f64, i1/i8/i16/i32/i64 and ui8.
    Lowered by `sf-to-linalg` to linalg/tensor/arith/math/scf.
  }];
  let cppNamespace = "::mlir::sf";
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Element types the dialect accepts.
def Sf_Element : AnyTypeOf<[F16, BF16, F32, F64, I1, I8, I16, I32, I64, UI8]>;
def Sf_Tensor : RankedTensorOf<[F16, BF16, F32, F64, I1, I8, I16, I32, I64, UI8]>;
def Sf_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
def Sf_IntTensor : RankedTensorOf<[I8, I16, I32, I64, UI8]>;
def Sf_IndexTensor : RankedTensorOf<[I32, I64]>;
def Sf_BoolTensor : RankedTensorOf<[I1]>;
/// Tensors with arithmetic (everything but i1).
def Sf_NumericTensor : RankedTensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64, UI8]>;

def Sf_VariableType : TypeDef<Sf_Dialect, "Variable"> {
  let mnemonic = "variable";
  let summary = "a handle to mutable state holding one tensor";
  let description = [{
    `!sf.variable<tensor<2x3xf32>>` is the handle of an `sf.Variable`. It is
    read with `sf.read` and written with `sf.assign*`; those ops declare
    memory effects so that upstream passes keep program order.
  }];
  let parameters = (ins "::mlir::RankedTensorType":$valueType);
  let assemblyFormat = "`<` $valueType `>`";
}

//===----------------------------------------------------------------------===//
// Op base classes
//===----------------------------------------------------------------------===//

class Sf_Op<string mnemonic, list<Trait> traits = []>
    : Op<Sf_Dialect, mnemonic, traits>;

#endif // SF_DIALECT_TD
