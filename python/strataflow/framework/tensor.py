"""`Tensor` (the common base), `EagerTensor` (holds a NumPy array) and conversion.

Operators (`+`, `@`, `[]`, comparisons, ...) are installed on `Tensor` by
`strataflow.ops.tensor_operators`; they all go through `ops.registry.apply`,
so they work the same on eager and staged (symbolic) tensors.

    >>> t = sf.constant([1.0, 2.0])
    >>> t
    <sf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    >>> (t * 2).numpy()
    array([2., 4.], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.tensor_shape import TensorShape

# Classes whose instances `apply` passes through without conversion; every
# subclass of Tensor is added automatically (see Tensor.__init_subclass__).
TENSOR_TYPES: set = set()


class Tensor:
    """Base of all tensors. Subclasses provide `shape` and `dtype`.

    `EagerTensor` holds a value; staged tensors (subclassed by the staging
    layer) hold an `ir.Value`. Code here must not assume a value exists:
    value-dependent behaviour goes through `_const_value()` / `numpy()`.
    """

    __slots__ = ()
    # NumPy defers binary operators to us (`np_array + tensor` -> Tensor.__radd__).
    __array_priority__ = 100

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        TENSOR_TYPES.add(cls)

    @property
    def shape(self) -> TensorShape:
        raise NotImplementedError

    @property
    def dtype(self) -> dtypes.DType:
        raise NotImplementedError

    @property
    def ndim(self) -> int | None:
        return self.shape.rank

    def get_shape(self) -> TensorShape:
        return self.shape

    def _const_value(self) -> np.ndarray | None:
        """The value if known when the op is applied (eager or a staged constant)."""
        return None

    def numpy(self) -> np.ndarray:
        raise TypeError(
            f"{type(self).__name__} has no value: it is a symbolic tensor inside a staged "
            "function. Return it from the function to get its value."
        )

    def __bool__(self) -> bool:
        v = self.numpy()
        if v.size != 1:
            raise ValueError(
                f"the truth value of a tensor with shape {self.shape} is ambiguous; "
                "use sf.reduce_any or sf.reduce_all"
            )
        return bool(v.reshape(()))

    def __len__(self) -> int:
        rank = self.shape.rank
        if rank == 0:
            raise TypeError("len() of a scalar tensor")
        n = None if rank is None else self.shape[0]
        if n is None:
            raise TypeError(f"len() of a tensor whose first dimension is unknown ({self.shape})")
        return n

    def __iter__(self):
        n = len(self)
        return (self[i] for i in range(n))

    def __hash__(self):
        # As in TF2: `==` is elementwise, so tensors are not hashable by value.
        raise TypeError("Tensor is unhashable; use tensor.ref() (or id(tensor)) as a key")

    def ref(self) -> "TensorRef":
        """A hashable reference to this tensor (identity semantics)."""
        return TensorRef(self)

    def __index__(self) -> int:
        if not self.dtype.is_integer:
            raise TypeError(f"only integer scalar tensors can be used as an index, not {self.dtype!r}")
        return int(self.numpy().reshape(()))

    def __int__(self) -> int:
        return int(self.numpy().reshape(()))

    def __float__(self) -> float:
        return float(self.numpy().reshape(()))

    def __array__(self, dtype=None, copy=None):
        v = self.numpy()
        return v if dtype is None else v.astype(dtype, copy=bool(copy))


class TensorRef:
    """Hashable identity wrapper returned by `Tensor.ref()`."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor: Tensor):
        self._tensor = tensor

    def deref(self) -> Tensor:
        return self._tensor

    def __hash__(self) -> int:
        return id(self._tensor)

    def __eq__(self, other) -> bool:
        return isinstance(other, TensorRef) and other._tensor is self._tensor


_BY_NUMPY = dtypes._BY_NUMPY


class EagerTensor(Tensor):
    """A tensor with a value: a NumPy array of a supported dtype.

    Constructing one directly does not copy nor validate; use `sf.constant`
    or `convert_to_tensor` from user code.
    """

    # `shape` and `dtype` are plain slots (not properties): op inference reads
    # them on every application.
    __slots__ = ("_value", "shape", "dtype")

    def __init__(self, value, spec=None):
        if value.__class__ is not np.ndarray:  # kernels may return NumPy scalars
            value = np.asarray(value)
        self._value = value
        self.dtype = _BY_NUMPY[value.dtype]
        # reuse the inferred shape object when it is the actual one
        if spec is not None and spec.shape._dims == value.shape:
            self.shape = spec.shape
        else:
            self.shape = TensorShape._of(value.shape)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    def _const_value(self) -> np.ndarray:
        return self._value

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array (shares memory with the tensor: do not mutate)."""
        return self._value

    def __array__(self, dtype=None, copy=None):
        v = self._value
        if dtype is not None and np.dtype(dtype) != v.dtype:
            return v.astype(dtype)
        return v.copy() if copy else v

    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar tensor")
        return self._value.shape[0]

    def __bool__(self) -> bool:
        v = self._value
        if v.size != 1:
            raise ValueError(
                f"the truth value of a tensor with shape {self.shape} is ambiguous; "
                "use sf.reduce_any or sf.reduce_all"
            )
        return bool(v.reshape(()))

    def __format__(self, spec: str) -> str:
        if self._value.ndim == 0:
            return format(self._value[()], spec)
        return format(str(self), spec)

    def _numpy_text(self, fn) -> str:
        v = self._value
        return str(v[()]) if v.ndim == 0 else fn(v)

    def __repr__(self) -> str:
        return (
            f"<sf.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
            f"numpy={self._numpy_text(repr)}>"
        )

    def __str__(self) -> str:
        return f"sf.Tensor({self._numpy_text(str)}, shape={self.shape}, dtype={self.dtype.name})"

    def __reduce__(self):
        return EagerTensor, (self._value,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return EagerTensor(self._value.copy())


# ---------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------

# type -> fn(value, dtype) returning a Tensor (e.g. Variable -> its read value).
_CONVERSIONS: dict[type, object] = {}


def register_tensor_conversion_function(cls: type, fn) -> None:
    """Makes `convert_to_tensor(x)` call `fn(x, dtype)` for instances of `cls`."""
    _CONVERSIONS[cls] = fn


def is_tensor(x) -> bool:
    """True for any strataflow tensor (eager or staged)."""
    return isinstance(x, Tensor)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """Converts tensors, variables, NumPy arrays and Python values to a Tensor.

    Python floats default to float32 and ints to int32 (int64 if they do not
    fit), as in TF; NumPy arrays keep their dtype. `dtype` is required to be
    met (a float cannot become an integer: TypeError); `dtype_hint` is used
    only where the value fits it.

        >>> convert_to_tensor([1, 2]).dtype
        sf.int32
        >>> convert_to_tensor(1, dtype=sf.float32)
        <sf.Tensor: shape=(), dtype=float32, numpy=1.0>
    """
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            from strataflow.framework.errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"tensor conversion requested dtype {dtypes.as_dtype(dtype).name} "
                f"for a tensor of dtype {value.dtype.name}"
            )
        return value
    for cls in type(value).__mro__:
        fn = _CONVERSIONS.get(cls)
        if fn is not None:
            return fn(value, None if dtype is None else dtypes.as_dtype(dtype))
    if dtype is not None:
        return EagerTensor(to_array(value, dtypes.as_dtype(dtype)))
    if dtype_hint is not None:
        try:
            return EagerTensor(to_array(value, dtypes.as_dtype(dtype_hint)))
        except TypeError:
            pass
    return EagerTensor(to_array(value))


def to_array(value, dtype: dtypes.DType | None = None) -> np.ndarray:
    """A Python/NumPy value as an ndarray of `dtype` (or TF's default dtype).

    Raises TypeError where TF refuses the conversion: a float to an integer
    dtype, numbers to/from bool, an integer that does not fit.
    """
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in _flatten(value)):
        value = _nested_numpy(value)
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise TypeError(f"cannot convert {value!r} to a tensor: {e}") from None
    known = dtypes.lookup(arr.dtype)
    if known is None and arr.dtype.kind not in "biuf":
        raise TypeError(f"cannot convert {_short(value)} (NumPy dtype {arr.dtype}) to a tensor")
    if dtype is None:
        if is_numpy:
            dtypes.from_numpy(arr.dtype)  # raises TypeError for unsupported dtypes
            return arr
        if arr.dtype.kind == "f":
            return arr.astype(np.float32)
        if arr.dtype.kind in "iu":
            if arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31):
                return arr.astype(np.int32)
            return arr.astype(np.int64)
        return arr
    target = dtype._np
    if arr.dtype == target:
        return arr
    src = known._kind if known is not None else arr.dtype.kind
    if (src == "b") != dtype.is_bool or (src == "f" and not dtype.is_floating):
        raise TypeError(f"cannot convert {_short(value)} to a tensor of dtype {dtype.name}")
    if src in "iu" and dtype.is_integer and arr.size:
        info = np.iinfo(target)
        if arr.min() < info.min or arr.max() > info.max:
            raise TypeError(f"{_short(value)} does not fit in dtype {dtype.name}")
    return arr.astype(target)


def _flatten(value):
    for v in value:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def _nested_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_nested_numpy(v) for v in value]
    return value.numpy() if isinstance(value, Tensor) else value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
