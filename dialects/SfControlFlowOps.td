//===- SfControlFlowOps.td - sf.if, sf.while and their terminators --------===//
//
// Structured control flow on tensors, modelled on scf.if / scf.while, except
// that conditions are 0-d i1 tensors (`tensor<i1>`), as TensorFlow's
// predicates are. `sf-to-linalg` lowers them to scf with a tensor.extract of
// the condition.
//
//===----------------------------------------------------------------------===//
#ifndef SF_CONTROLFLOW_OPS_TD
#define SF_CONTROLFLOW_OPS_TD

include "SfDialect.td"

def Sf_YieldOp : Sf_Op<"yield", [Pure, ReturnLike, Terminator,
    ParentOneOf<["IfOp", "WhileOp"]>]> {
  let summary = "yields values out of an sf.if branch or an sf.while body";
  let description = [{
    Terminates both branches of `sf.if` (its operands become the `sf.if`
    results) and the `do` region of `sf.while` (its operands become the next
    iteration's loop-carried values). Without values it may be omitted.
    ```mlir
    sf.yield %a, %b : tensor<f32>, tensor<2xi32>
    ```
  }];
  let arguments = (ins Variadic<Sf_Tensor>:$values);
  let builders = [OpBuilder<(ins), [{ /* no values */ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def Sf_IfOp : Sf_Op<"if", [
    DeclareOpInterfaceMethods<RegionBranchOpInterface,
                              ["getEntrySuccessorRegions"]>,
    SingleBlockImplicitTerminator<"YieldOp">, NoRegionArguments,
    RecursiveMemoryEffects, RecursivelySpeculatable]> {
  let summary = "runs one of two regions depending on a tensor<i1> condition";
  let description = [{
    TensorFlow's `tf.cond`: `thenRegion` runs when the 0-d i1 condition is
    true, `elseRegion` otherwise; each ends in `sf.yield` with values of the
    result types. The else region may be omitted only when there are no
    results. A constant condition is folded by canonicalization (the taken
    branch is inlined).
    ```mlir
    %r = sf.if %pred : tensor<i1> -> tensor<f32> {
      sf.yield %a : tensor<f32>
    } else {
      %n = sf.add %a, %a : tensor<f32>
      sf.yield %n : tensor<f32>
    }
    ```
  }];
  let arguments = (ins Sf_Tensor:$cond);
  let results = (outs Variadic<Sf_Tensor>:$results);
  let regions = (region SizedRegion<1>:$thenRegion,
                        MaxSizedRegion<1>:$elseRegion);
  let assemblyFormat = [{
    $cond `:` type($cond) (`->` type($results)^)? $thenRegion
    (`else` $elseRegion^)? attr-dict
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Sf_WhileOp : Sf_Op<"while", [
    DeclareOpInterfaceMethods<RegionBranchOpInterface,
                              ["getEntrySuccessorOperands"]>,
    SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a loop with tensor-carried values (TensorFlow's while_loop)";
  let description = [{
    Like `scf.while`: the `before` region receives the loop-carried values,
    computes a 0-d i1 condition and forwards values with `sf.condition`;
    while the condition is true they enter the `do` region, whose `sf.yield`
    gives the next iteration's values. When it is false the forwarded values
    are the results. Types: `before` arguments = inits = `do` yield types;
    `sf.condition` values = `do` arguments = results.
    ```mlir
    // Counts %n up to 10.
    %r = sf.while (%n) : (tensor<i32>) -> tensor<i32> {
    ^bb0(%i: tensor<i32>):
      %c = sf.less %i, %ten : tensor<i32>
      sf.condition(%c : tensor<i1>) %i : tensor<i32>
    } do {
    ^bb0(%i: tensor<i32>):
      %next = sf.add %i, %one : tensor<i32>
      sf.yield %next : tensor<i32>
    }
    ```
  }];
  let arguments = (ins Variadic<Sf_Tensor>:$inits);
  let results = (outs Variadic<Sf_Tensor>:$results);
  let regions = (region SizedRegion<1>:$before, SizedRegion<1>:$after);
  let assemblyFormat = [{
    ` ` `(` $inits `)` attr-dict `:` functional-type($inits, $results)
    $before `do` $after
  }];
  let hasVerifier = 1;
}

def Sf_ConditionOp : Sf_Op<"condition", [Pure, Terminator,
    HasParent<"WhileOp">,
    DeclareOpInterfaceMethods<RegionBranchTerminatorOpInterface>]> {
  let summary = "ends an sf.while `before` region: continue or exit";
  let description = [{
    When the 0-d i1 `condition` is true, `args` are passed to the `do`
    region; otherwise they become the results of the `sf.while`.
    ```mlir
    sf.condition(%c : tensor<i1>) %i, %acc : tensor<i32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Sf_Tensor:$condition, Variadic<Sf_Tensor>:$args);
  let assemblyFormat = [{
    `(` $condition `:` type($condition) `)` attr-dict ($args^ `:` type($args))?
  }];
  let hasVerifier = 1;
}

#endif // SF_CONTROLFLOW_OPS_TD
