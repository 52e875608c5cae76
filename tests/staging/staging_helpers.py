"""Shared helpers for staging tests."""
import pytest


def has_ops(*names) -> bool:
    from strataflow.staging.graph import mlir_context

    ctx = mlir_context()
    return all(ctx.is_registered_operation(n) for n in names)


def requires(*names):
    """Skips a test until the dialect has `names` (ops arrive from other branches)."""
    return pytest.mark.skipif(not has_ops(*names), reason=f"dialect lacks {', '.join(names)}")
