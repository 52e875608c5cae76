"""Element types of tensors (`sf.float32`, ...), mirroring `tf.dtypes`.

    >>> sf.float32.as_numpy_dtype, sf.float32.mlir_name
    (<class 'numpy.float32'>, 'f32')
    >>> as_dtype("int32") is sf.int32
    True
"""
from __future__ import annotations

import ml_dtypes
import numpy as np


class DType:
    """One element type. Instances are singletons: compare with `is` or `==`."""

    __slots__ = ("name", "_np", "mlir_name", "_kind")

    def __init__(self, name: str, np_type, mlir_name: str):
        self.name = name
        self._np = np.dtype(np_type)
        self.mlir_name = mlir_name
        # 'f' float (incl. bfloat16), 'i' signed, 'u' unsigned, 'b' bool
        self._kind = "f" if name in ("float16", "bfloat16", "float32", "float64") else self._np.kind

    @property
    def as_numpy_dtype(self) -> type:
        """The NumPy scalar type (`np.float32`, `ml_dtypes.bfloat16`, ...)."""
        return self._np.type

    @property
    def is_floating(self) -> bool:
        return self._kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._kind in ("i", "u")

    @property
    def is_unsigned(self) -> bool:
        return self._kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._kind == "b"

    @property
    def size(self) -> int:
        """Bytes per element."""
        return self._np.itemsize

    @property
    def min(self):
        """The smallest representable value (most negative finite for floats)."""
        if self._kind == "b":
            return False
        return (ml_dtypes.finfo(self._np) if self._kind == "f" else np.iinfo(self._np)).min

    @property
    def max(self):
        """The largest representable finite value."""
        if self._kind == "b":
            return True
        return (ml_dtypes.finfo(self._np) if self._kind == "f" else np.iinfo(self._np)).max

    def __repr__(self) -> str:
        return f"sf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, "f16")
bfloat16 = DType("bfloat16", ml_dtypes.bfloat16, "bf16")
float32 = DType("float32", np.float32, "f32")
float64 = DType("float64", np.float64, "f64")
bool = DType("bool", np.bool_, "i1")  # noqa: A001 - TF's name
int8 = DType("int8", np.int8, "i8")
int16 = DType("int16", np.int16, "i16")
int32 = DType("int32", np.int32, "i32")
int64 = DType("int64", np.int64, "i64")
uint8 = DType("uint8", np.uint8, "ui8")
half = float16
double = float64

ALL = (float16, bfloat16, float32, float64, bool, int8, int16, int32, int64, uint8)
_BY_NAME = {d.name: d for d in ALL} | {"half": float16, "double": float64}
# np.dtype -> DType; the hot path (EagerTensor.dtype) is one dict lookup.
_BY_NUMPY = {d._np: d for d in ALL}
_BY_MLIR = {d.mlir_name: d for d in ALL}


def as_dtype(x) -> DType:
    """Converts a DType, name, NumPy dtype/type or MLIR name ("f32") to a DType."""
    if isinstance(x, DType):
        return x
    if isinstance(x, str):
        d = _BY_NAME.get(x) or _BY_MLIR.get(x)
        if d is not None:
            return d
    elif x is not None:
        try:
            d = _BY_NUMPY.get(np.dtype(x))
        except TypeError:
            d = None
        if d is not None:
            return d
    raise TypeError(f"cannot convert {x!r} to a strataflow dtype")


def is_floating_numpy(np_dtype: np.dtype) -> bool:
    """True for NumPy float dtypes including ml_dtypes' bfloat16 (kind 'V')."""
    return np_dtype.kind == "f" or np_dtype == bfloat16._np


def from_numpy(np_dtype: np.dtype) -> DType:
    """Fast path of `as_dtype` for an `np.dtype` (raises TypeError if unsupported)."""
    d = _BY_NUMPY.get(np_dtype)
    if d is None:
        raise TypeError(f"NumPy dtype {np_dtype} is not supported by strataflow")
    return d
