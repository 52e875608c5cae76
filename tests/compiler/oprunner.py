"""Compile one `sf` op into a function (through sfjit) and run it on NumPy arrays.

    >>> run_op("sf.reduce_sum %a0 axes [0] : tensor<3xf32> -> tensor<f32>", [np.ones(3, np.float32)], ["tensor<3xf32>"], "tensor<f32>")  # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from sfjit import compile_fn

DTYPES = {
    "f16": np.float16, "f32": np.float32, "f64": np.float64, "i1": np.bool_,
    "i8": np.int8, "i32": np.int32, "i64": np.int64, "ui8": np.uint8,
}


def tensor_type(shape, dtype: str) -> str:
    """`tensor<3x?xf32>` for shape (3, None)."""
    dims = "".join(f"{'?' if d is None else d}x" for d in shape)
    return f"tensor<{dims}{dtype}>"


def compile_op(op: str, arg_types: list[str], result_type: str):
    """Compiles `@f(%a0, %a1, ...) -> result` whose body is `op`."""
    names = [f"%a{i}" for i in range(len(arg_types))]
    params = ", ".join(f"{n}: {t}" for n, t in zip(names, arg_types))
    text = (
        f"func.func @f({params}) -> {result_type} {{\n"
        f"  %r = {op}\n"
        f"  return %r : {result_type}\n}}"
    )
    return compile_fn(text)  # one shared context, compiled once per text


def run_op(op: str, arrays, arg_types: list[str], result_type: str) -> np.ndarray:
    """Compiles `op` (see compile_op) and returns its result on `arrays`."""
    (result,) = compile_op(op, arg_types, result_type)(*arrays)
    return result


def random_array(rng: np.random.Generator, shape, dtype: str) -> np.ndarray:
    """Test data: normal floats, small integers (with ties), random bools."""
    np_dtype = np.dtype(DTYPES[dtype])
    if np_dtype.kind == "f":
        return rng.standard_normal(shape).astype(np_dtype)
    if np_dtype.kind == "b":
        return rng.random(shape) < 0.5
    info = np.iinfo(np_dtype)
    return rng.integers(max(info.min, -9), min(info.max, 9), shape, endpoint=True).astype(np_dtype)

