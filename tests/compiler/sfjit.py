"""Compile one-function `sf` modules and cache them, for op tests.

    f = compile_fn("func.func @f(%x: tensor<?xf32>) -> tensor<?xf32> {...}")
    (y,) = f(np.ones(3, np.float32))

One MLIR context serves the whole test session; each distinct module text is
compiled once (compiling costs ~20-50 ms, calling microseconds). These tests
check op semantics, so they use the reference pipeline; SF_TEST_OPTIMIZE=1
runs them through the optimizing CPU pipeline instead.
"""
from __future__ import annotations

import functools
import os

import ml_dtypes
import numpy as np
import pytest

compiler = pytest.importorskip("strataflow.compiler")
from mlir import ir  # noqa: E402

_CTX = compiler.new_context()
_OPTIMIZE = os.environ.get("SF_TEST_OPTIMIZE") == "1"

MLIR_TYPES = {
    np.dtype(np.float16): "f16", np.dtype(ml_dtypes.bfloat16): "bf16",
    np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
    np.dtype(np.bool_): "i1", np.dtype(np.int8): "i8", np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32", np.dtype(np.int64): "i64", np.dtype(np.uint8): "ui8",
}
FLOATS = [np.float32, np.float64, np.float16, ml_dtypes.bfloat16]
INTS = [np.int8, np.int32, np.int64, np.uint8]
# Tolerances per float dtype (libm-level accuracy, half-precision rounding).
RTOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12,
        np.dtype(np.float16): 2e-3, np.dtype(ml_dtypes.bfloat16): 1.6e-2}


def mlir_type(dtype) -> str:
    return MLIR_TYPES[np.dtype(dtype)]


def tensor_type(dtype, shape) -> str:
    """`tensor<?x3xf32>` for shape (None, 3); None is a dynamic dim."""
    dims = "".join(("?" if d is None else str(d)) + "x" for d in shape)
    return f"tensor<{dims}{mlir_type(dtype)}>"


@functools.lru_cache(maxsize=None)
def compile_fn(text: str, name: str = "f"):
    """The compiled function `name` of a module given as text."""
    with _CTX:
        module = ir.Module.parse(text)
        return compiler.compile_module(module, name, optimize=_OPTIMIZE)


def lower_text(text: str, stage: str) -> str:
    """`text` lowered to `stage` ('linalg', 'loops', 'llvm'), printed."""
    with _CTX:
        return str(compiler.lower(ir.Module.parse(text), stage))


def assert_close(actual, expected):
    """Exact for ints and bools, dtype-scaled tolerance for floats."""
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    if np.dtype(actual.dtype) in RTOL:
        rtol = RTOL[np.dtype(actual.dtype)]
        np.testing.assert_allclose(actual.astype(np.float64),
                                   expected.astype(np.float64),
                                   rtol=rtol, atol=rtol)
    else:
        assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
        np.testing.assert_array_equal(actual, expected)
