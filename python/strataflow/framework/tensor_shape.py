"""Static shapes with unknown dims (`TensorShape`) and `TensorSpec`.

    >>> s = TensorShape([None, 3])
    >>> s.rank, s.as_list(), s.is_fully_defined()
    (2, [None, 3], False)
    >>> s.merge_with([4, None])
    TensorShape([4, 3])

`TensorShape(None)` is a shape of unknown rank.
"""
from __future__ import annotations

from strataflow.framework import dtypes as _dtypes


class TensorShape:
    """A tuple of dims (int or None) or, with `dims is None`, an unknown rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims=None):
        if dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif isinstance(dims, int):
            self._dims = (_dim(dims),)
        else:
            self._dims = tuple(_dim(d) for d in dims)

    @classmethod
    def _of(cls, dims: tuple) -> "TensorShape":
        """Wraps an already-normalized tuple (hot path: no validation)."""
        s = object.__new__(cls)
        s._dims = dims
        return s

    @property
    def dims(self) -> tuple | None:
        return self._dims

    @property
    def rank(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    ndims = rank

    def as_list(self) -> list:
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        return self._dims is not None and None not in self._dims

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other) -> bool:
        """True if some concrete shape matches both (None matches anything)."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            a is None or b is None or a == b for a, b in zip(self._dims, other._dims)
        )

    def merge_with(self, other) -> "TensorShape":
        """The most specific shape compatible with both; ValueError if none."""
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"shapes {self} and {other} are not compatible")
        return TensorShape._of(tuple(a if a is not None else b for a, b in zip(self._dims, other._dims)))

    def most_specific_compatible_shape(self, other) -> "TensorShape":
        """The most specific shape that both are compatible with (a join)."""
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape._of(tuple(a if a == b else None for a, b in zip(self._dims, other._dims)))

    def concatenate(self, other) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape._of(self._dims + other._dims)

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"shapes {self} and {as_shape(other)} are incompatible")

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("cannot take the length of a shape with unknown rank")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("cannot iterate over a shape with unknown rank")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return TensorShape(None) if isinstance(key, slice) else None
        if isinstance(key, slice):
            return TensorShape._of(self._dims[key])
        return self._dims[key]

    def __eq__(self, other) -> bool:
        if isinstance(other, TensorShape):
            return self._dims == other._dims
        if isinstance(other, (list, tuple)):
            return self._dims is not None and self._dims == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._dims)

    def __bool__(self) -> bool:
        return self._dims is not None

    def __repr__(self) -> str:
        return "TensorShape(None)" if self._dims is None else f"TensorShape({list(self._dims)})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("None" if d is None else str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"


def _dim(d):
    if d is None:
        return None
    if hasattr(d, "__index__"):
        d = d.__index__()
        if d < 0:
            raise ValueError(f"dimension {d} must be >= 0 or None")
        return d
    if type(d).__name__ == "Dimension":  # TF-style dimension objects
        return d.value
    raise TypeError(f"a dimension must be an int or None, got {d!r}")


def as_shape(shape) -> TensorShape:
    """Converts a TensorShape, list/tuple of dims, or None (unknown rank)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


class TensorSpec:
    """The static type of a tensor: shape (TensorShape), dtype (DType), optional name.

    >>> TensorSpec([None, 3], sf.float32)
    TensorSpec(shape=(None, 3), dtype=sf.float32, name=None)
    """

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype=_dtypes.float32, name: str | None = None):
        # every op application creates a spec: skip conversions when possible
        self.shape = shape if shape.__class__ is TensorShape else as_shape(shape)
        self.dtype = dtype if dtype.__class__ is _dtypes.DType else _dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name: str | None = None) -> "TensorSpec":
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, other) -> bool:
        """Same dtype and compatible shape (`other` is a spec or a tensor)."""
        return self.dtype == other.dtype and self.shape.is_compatible_with(other.shape)

    def most_specific_compatible_type(self, other) -> "TensorSpec":
        if self.dtype != other.dtype:
            raise ValueError(f"dtypes {self.dtype} and {other.dtype} differ")
        return TensorSpec(self.shape.most_specific_compatible_shape(other.shape), self.dtype)

    def __eq__(self, other) -> bool:
        if not isinstance(other, TensorSpec):
            return NotImplemented
        return (self.shape, self.dtype, self.name) == (other.shape, other.dtype, other.name)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.name))

    def __reduce__(self):
        return TensorSpec, (self.shape, self.dtype, self.name)

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"
