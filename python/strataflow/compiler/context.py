"""MLIR contexts that know the `sf` dialect and its passes."""
from __future__ import annotations

from mlir import ir
from mlir.dialects._ods_common import _cext

from strataflow import _sfnative

_cext.globals.append_dialect_search_prefix("strataflow.dialects")
_sfnative.register_passes()


def new_context() -> ir.Context:
    """A context with every upstream dialect plus `sf` loaded.

    >>> with new_context():
    ...     m = ir.Module.parse("func.func @f() { return }")
    """
    ctx = ir.Context()
    registry = ir.DialectRegistry()
    _sfnative.register_dialect(registry)
    ctx.append_dialect_registry(registry)
    ctx.load_all_available_dialects()
    return ctx
