"""Functions that compiled code calls back into: the runtime of `sf.print`.

`sf-to-linalg` lowers ``sf.print %x {message = "x ="} : tensor<3xi32>`` to a
call of ``sf_print_i32(memref<?xi8> message, memref<*xi32> values)``; the JIT
binds each ``sf_print_<element type>`` symbol to a callback here, which
prints like ``tf.print``: the message, then the values NumPy style, to stderr.

    >>> register(engine)     # doctest: +SKIP
"""
from __future__ import annotations

import ctypes
import sys

import numpy as np

from strataflow.compiler import memref
from strataflow.framework.dtypes import ALL, DType


class _UnrankedMemRef(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_int64), ("descriptor", ctypes.c_void_p)]


_PrintFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


def format_print(message: str, values: np.ndarray) -> str:
    """The line `sf.print` writes: ``format_print("x =", [1, 2]) == "x = [1 2]"``."""
    text = np.array2string(np.asarray(values), separator=" ")
    return f"{message} {text}" if message else text


def _print_callback(dtype: DType):
    def callback(message_ptr: int, values_ptr: int) -> None:
        message_desc = memref.descriptor_type(1).from_address(message_ptr)
        message = memref.view(message_desc, np.uint8, 1).tobytes().rstrip(b"\0")
        unranked = _UnrankedMemRef.from_address(values_ptr)
        desc = memref.descriptor_type(unranked.rank).from_address(unranked.descriptor)
        # the NumPy dtype only now: bf16's imports ml_dtypes (~1 s)
        values = memref.view(desc, np.dtype(dtype.as_numpy_dtype), unranked.rank)
        sys.stderr.write(format_print(message.decode("utf-8", "replace"), values) + "\n")
        sys.stderr.flush()

    return _PrintFn(callback)


def _print_symbols() -> dict:
    return {f"sf_print_{d.mlir_name}": _print_callback(d) for d in ALL}


_SYMBOLS: dict | None = None  # created once; ctypes callbacks must stay alive


def register(engine) -> None:
    """Makes the runtime functions callable from `engine`'s compiled code."""
    global _SYMBOLS
    if _SYMBOLS is None:
        _SYMBOLS = _print_symbols()
    for name, callback in _SYMBOLS.items():
        engine.raw_register_runtime("_mlir_ciface_" + name, ctypes.cast(callback, ctypes.c_void_p))
