"""MLIR contexts that know the `sf` dialect and its passes."""
from __future__ import annotations

from mlir import ir
from mlir.dialects._ods_common import _cext

from strataflow import _sfnative

_cext.globals.append_dialect_search_prefix("strataflow.dialects")
_sfnative.register_passes()


# The dialects whose ops and types Python creates directly. Every other
# dialect loads on demand, as in any MLIR tool (the parser loads what it
# reads, a pass manager what its passes declare): loading all ~70 takes
# ~12 ms per context.
_LOADED_ON_CREATE = ("builtin", "func", "tensor")


def new_context() -> ir.Context:
    """A context that knows every upstream dialect plus `sf` (registered;
    loaded when first used).

    >>> with new_context():
    ...     m = ir.Module.parse("func.func @f() { return }")
    """
    ctx = ir.Context(load_on_create_dialects=())
    registry = ir.DialectRegistry()
    _sfnative.register_dialect(registry)
    ctx.append_dialect_registry(registry)
    # Loaded through their descriptors: `load_on_create_dialects` would also
    # import their Python op classes (~8 ms), which a trace may never need.
    for name in _LOADED_ON_CREATE + ("sf",):
        ctx.get_dialect_descriptor(name)
    return ctx
