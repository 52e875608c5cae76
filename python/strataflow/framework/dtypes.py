"""Element types of tensors (`sf.float32`, ...), mirroring `tf.dtypes`.

    >>> sf.float32.as_numpy_dtype, sf.float32.mlir_name
    (<class 'numpy.float32'>, 'f32')
    >>> as_dtype("int32") is sf.int32
    True
"""
from __future__ import annotations

import numpy as np


class DType:
    """One element type. Instances are singletons: compare with `is` or `==`."""

    __slots__ = ("name", "_np", "mlir_name", "_kind")

    def __init__(self, name: str, np_type, mlir_name: str, kind: str):
        self.name = name
        if np_type is not None:
            self._np = np.dtype(np_type)
        self.mlir_name = mlir_name
        self._kind = kind  # 'f' float (incl. bfloat16), 'i' signed, 'u' unsigned, 'b' bool

    def __getattr__(self, attr):
        # Only reached for an unset slot: bfloat16's NumPy dtype, which needs
        # ml_dtypes -- an import of seconds, paid only by code that uses it.
        if attr == "_np" and self.name == "bfloat16":
            import ml_dtypes

            self._np = np.dtype(ml_dtypes.bfloat16)
            _BY_NUMPY[self._np] = self
            return self._np
        raise AttributeError(attr)

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

    def _info(self):
        if self._kind != "f":
            return np.iinfo(self._np)
        if self.name == "bfloat16":
            import ml_dtypes

            return ml_dtypes.finfo(self._np)
        return np.finfo(self._np)

    @property
    def min(self):
        """The smallest representable value (most negative finite for floats)."""
        return False if self._kind == "b" else self._info().min

    @property
    def max(self):
        """The largest representable finite value."""
        return True if self._kind == "b" else self._info().max

    def __repr__(self) -> str:
        return f"sf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, "f16", "f")
bfloat16 = DType("bfloat16", None, "bf16", "f")  # NumPy dtype from ml_dtypes, on first use
float32 = DType("float32", np.float32, "f32", "f")
float64 = DType("float64", np.float64, "f64", "f")
bool = DType("bool", np.bool_, "i1", "b")  # noqa: A001 - TF's name
int8 = DType("int8", np.int8, "i8", "i")
int16 = DType("int16", np.int16, "i16", "i")
int32 = DType("int32", np.int32, "i32", "i")
int64 = DType("int64", np.int64, "i64", "i")
uint8 = DType("uint8", np.uint8, "ui8", "u")
half = float16
double = float64

ALL = (float16, bfloat16, float32, float64, bool, int8, int16, int32, int64, uint8)
_BY_NAME = {d.name: d for d in ALL} | {"half": float16, "double": float64}
class _NumpyTable(dict):
    """np.dtype -> DType; a bfloat16 array (ml_dtypes imported by its creator)
    registers bfloat16 on first sight."""

    def __missing__(self, key):
        if getattr(key, "name", None) == "bfloat16":
            bfloat16._np  # noqa: B018 - resolves and registers it
            return dict.__getitem__(self, key)
        raise KeyError(key)


# np.dtype -> DType; the hot path (EagerTensor) is one lookup.
_BY_NUMPY = _NumpyTable({d._np: d for d in ALL if d is not bfloat16})
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
            d = lookup(np.dtype(x))
        except TypeError:
            d = None
        if d is not None:
            return d
    raise TypeError(f"cannot convert {x!r} to a strataflow dtype")


def lookup(np_dtype: np.dtype) -> DType | None:
    """The DType of a NumPy dtype, or None if strataflow does not support it."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        return None


def is_floating_numpy(np_dtype: np.dtype) -> bool:
    """True for NumPy float dtypes including ml_dtypes' bfloat16 (kind 'V')."""
    return np_dtype.kind == "f" or np_dtype.name == "bfloat16"


def from_numpy(np_dtype: np.dtype) -> DType:
    """Fast path of `as_dtype` for an `np.dtype` (raises TypeError if unsupported)."""
    d = lookup(np_dtype)
    if d is None:
        raise TypeError(f"NumPy dtype {np_dtype} is not supported by strataflow")
    return d
