"""The compiler API: build `sf` IR, lower it stage by stage, JIT it for the CPU.

    >>> from strataflow import compiler
    >>> with compiler.new_context():
    ...     m = ir.Module.parse(text)                      # doctest: +SKIP
    ...     print(compiler.lower(m, "linalg"))             # doctest: +SKIP
    ...     f = compiler.compile_module(m, "f")            # doctest: +SKIP
"""
from strataflow.compiler.context import new_context
from strataflow.compiler.jit import CompiledFunction, compile_module, numpy_dtype
from strataflow.compiler.pipeline import STAGES, lower, promote_variables, run_pipeline

__all__ = [
    "CompiledFunction", "STAGES", "compile_module", "lower", "new_context",
    "numpy_dtype", "promote_variables", "run_pipeline",
]
