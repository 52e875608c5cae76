"""The lowering ladder: `sf` -> `linalg` -> `loops` -> `llvm`.

Each stage is a named C++ pipeline (lib/Transforms/Pipelines.cpp), so what
Python prints is exactly what `sf-opt --sf-lower-to-<stage>` prints.
"""
from __future__ import annotations

from mlir import ir
from mlir.passmanager import PassManager

from strataflow import config
from strataflow.framework.errors import CompilationError

STAGES = ("sf", "linalg", "loops", "llvm")
_PIPELINES = {
    "linalg": "sf-lower-to-linalg",
    "loops": "sf-lower-to-loops",
    "llvm": "sf-lower-to-llvm",
}


def run_pipeline(module: ir.Module, pipeline: str) -> None:
    """Runs a textual pass pipeline on `module` in place.

    MLIR diagnostics are collected and raised as one `CompilationError`
    (with locations) instead of being printed to stderr. The IR is verified
    before and after (after every pass with `config.verify_each_pass()`).
    """
    ctx = module.context
    diagnostics: list[str] = []

    def handler(d: ir.Diagnostic) -> bool:
        diagnostics.append(f"{d.location}: {d.message}")
        diagnostics.extend(f"  note: {n.location}: {n.message}" for n in d.notes)
        return True

    handle = ctx.attach_diagnostic_handler(handler)
    verify_each = config.verify_each_pass()
    try:
        pm = PassManager.parse(f"builtin.module({pipeline})", context=ctx)
        pm.enable_verifier(verify_each)
        if not verify_each:
            module.operation.verify()
        pm.run(module.operation)
        if not verify_each:
            module.operation.verify()
    except ir.MLIRError as e:
        details = "\n".join(diagnostics) or str(e)
        raise CompilationError(f"pipeline '{pipeline}' failed:\n{details}") from None
    finally:
        handle.detach()


def pipeline_name(stage: str, options: str = "") -> str:
    """The named pipeline of `stage`, with options for the `loops` and `llvm`
    stages (`optimize=1 target=avx2 threads=2`; default: naive loops)."""
    if stage not in _PIPELINES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES[1:]}")
    if options and stage == "linalg":
        raise ValueError("the linalg stage takes no options")
    return f"{_PIPELINES[stage]}{{{options}}}" if options else _PIPELINES[stage]


def lower(module: ir.Module, stage: str, options: str = "") -> ir.Module:
    """Returns a copy of `module` (at stage `sf`) lowered to `stage`.

    >>> from mlir import ir
    >>> from strataflow.compiler import new_context
    >>> m = ir.Module.parse('''
    ... func.func @f(%a: tensor<8xf32>) -> tensor<8xf32> {
    ...   %b = sf.add %a, %a : tensor<8xf32>
    ...   return %b : tensor<8xf32>
    ... }''', context=new_context())
    >>> "linalg.generic" in str(lower(m, "linalg"))
    True
    >>> "vector<8xf32>" in str(lower(m, "loops", "optimize=1 target=avx2"))  # vectorized loops
    True
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
    copy = copy_module(module)
    if stage != "sf":
        run_pipeline(copy, pipeline_name(stage, options))
    return copy


def promote_variables(module: ir.Module, name: str) -> tuple[ir.Module, list[int] | None]:
    """A copy of `module` whose function `name` takes its variables as values
    and returns the new values of those it writes (`sf-promote-variables`),
    and those variables' argument numbers; None instead when the function
    keeps updating them in place (state ops in nested regions), or has none.
    """
    copy = copy_module(module)
    run_pipeline(copy, "sf-promote-variables")
    attributes = find_func(copy, name).attributes
    if "sf.returns_variables" not in attributes:
        return copy, None
    return copy, list(ir.DenseI64ArrayAttr(attributes["sf.returns_variables"]))


def copy_module(module: ir.Module) -> ir.Module:
    """A deep copy of `module`, locations included (cloned: printing and
    parsing it again took ~2 ms for a train step)."""
    from strataflow import _sfnative

    return ir.Module._CAPICreate(_sfnative.clone_module(module))


def find_func(module: ir.Module, name: str):
    """The `func.func` named `name` in `module`."""
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return op
    raise CompilationError(f"module has no function {name!r}")
