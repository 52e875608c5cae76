"""`sf.TensorArray`: a list of same-typed tensors that works in staged loops.

    >>> ta = sf.TensorArray(sf.float32, size=3)
    >>> for i in sf.range(3):
    ...     ta = ta.write(i, sf.cast(i, sf.float32) * 2.0)
    >>> ta.stack().numpy()
    array([0., 2., 4.], dtype=float32)

As in TensorFlow 2, a TensorArray is a value: `write` returns the new array
(assign it back). Eagerly it holds a Python list of tensors. Inside a trace
it is one tensor `buffer` of shape ``[size, *element_shape]`` (a composite
for `nest`, so it is carried through `sf.if`/`sf.while` like any tensor):
`read` gathers a row, `write` selects the new row in, and with
`dynamic_size=True` a write past the end grows the array with zero rows (a
staged loop carries the buffer with a dynamic first dimension).
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import context as _context
from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError, OutOfRangeError
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, as_shape


class TensorArray:
    """See the module docstring. Arguments follow `tf.TensorArray`."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic = bool(dynamic_size)
        self._element_shape = TensorShape(None) if element_shape is None else as_shape(element_shape)
        if size is None:
            if not self._dynamic:
                raise ValueError("sf.TensorArray needs a size (or dynamic_size=True)")
            size = 0
        size = size.read_value() if hasattr(size, "read_value") else size
        self._staged = _context._state.graph is not None
        self._items = None
        self._buffer = None
        if not self._staged:
            self._items = [None] * int(size)
            return
        n = size._const_value() if isinstance(size, Tensor) else np.asarray(size)
        if n is None:
            raise InvalidArgumentError("a staged sf.TensorArray needs a size known at trace time")
        self._size = int(n)
        if self._element_shape.is_fully_defined():
            self._buffer = self._zeros(self._size, self._element_shape.dims)

    # -- composite protocol (see staging.nest) --------------------------------
    def _nest_components(self):
        return [] if self._buffer is None else [self._buffer]

    def _nest_rebuild(self, components):
        return self._with(components[0] if components else None)

    def _nest_invariants(self):
        if self._buffer is None:
            return []
        dims = list(self._buffer.shape.dims)
        return [TensorShape([None] + dims[1:]) if self._dynamic else None]

    def _nest_materialize_like(self, other: "TensorArray") -> "TensorArray":
        """This (unwritten) array with a zero buffer shaped like `other`'s rows."""
        dims = other._buffer.shape.dims[1:]
        n = 0 if self._dynamic else self._size
        return self._with(self._zeros(n, dims))

    # -- helpers -------------------------------------------------------------
    def _with(self, buffer=None, items=None) -> "TensorArray":
        new = object.__new__(TensorArray)
        new.__dict__.update(self.__dict__)
        new._buffer = buffer
        new._items = items
        if buffer is not None and buffer.shape[0] is not None:
            new._size = buffer.shape[0]
        return new

    def _zeros(self, n, dims):
        return EagerTensor(np.zeros((n, *dims), self._dtype._np))

    def _value(self, value) -> Tensor:
        value = convert_to_tensor(value, dtype=self._dtype)
        if not self._element_shape.is_compatible_with(value.shape):
            raise InvalidArgumentError(f"TensorArray of element shape {self._element_shape} cannot "
                                       f"hold a value of shape {value.shape}")
        return value

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        if self._buffer is not None:
            return TensorShape(self._buffer.shape.dims[1:])
        if self._items:
            first = next((t for t in self._items if t is not None), None)
            if first is not None:
                return first.shape
        return self._element_shape

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic

    # -- operations -----------------------------------------------------------
    def size(self) -> Tensor:
        if self._items is not None:
            return EagerTensor(np.array(len(self._items), np.int32))
        if self._buffer is None or self._buffer.shape[0] is not None:
            return EagerTensor(np.array(self._size if self._buffer is None else self._buffer.shape[0], np.int32))
        from strataflow.ops.array_ops import shape

        return shape(self._buffer)[0]

    def read(self, index) -> Tensor:
        if self._items is not None:
            i = int(index)
            if not 0 <= i < len(self._items):
                raise OutOfRangeError(f"TensorArray read at {i}: size is {len(self._items)}")
            if self._items[i] is None:
                raise InvalidArgumentError(f"TensorArray read at {i} before any write there")
            return self._items[i]
        from strataflow.ops.array_ops import gather

        return gather(self.stack(), convert_to_tensor(index, dtype=dtypes.int32), axis=0)

    def write(self, index, value) -> "TensorArray":
        value = self._value(value)
        if self._items is not None:
            i = int(index)
            items = list(self._items)
            if i >= len(items) and self._dynamic:
                items.extend([None] * (i + 1 - len(items)))
            if not 0 <= i < len(items):
                raise OutOfRangeError(f"TensorArray write at {i}: size is {len(items)}")
            first = next((t for t in items if t is not None), None)
            if first is not None and (first.shape != value.shape):
                raise InvalidArgumentError(f"TensorArray elements must share a shape: {first.shape} "
                                           f"and {value.shape}")
            items[i] = value
            return self._with(items=items)
        buffer = self._buffer
        if buffer is None:
            buffer = self._zeros(0 if self._dynamic else self._size, value.shape.dims)
        return self._with(_staged_write(buffer, index, value, self._dynamic))

    def stack(self) -> Tensor:
        if self._items is not None:
            missing = [i for i, t in enumerate(self._items) if t is None]
            # unwritten elements are zeros of the element shape (declared, or
            # inferred from the writes as TF's infer_shape does)
            written = next((t for t in self._items if t is not None), None)
            shape = self._element_shape if written is None else written.shape
            if missing and shape.is_fully_defined():
                zeros = EagerTensor(np.zeros(shape.dims, self._dtype._np))
                items = [zeros if t is None else t for t in self._items]
            elif missing:
                raise InvalidArgumentError(f"TensorArray.stack: elements {missing} were never written")
            else:
                items = self._items
            if not items:
                return EagerTensor(np.zeros((0, *(self._element_shape.dims or ())), self._dtype._np))
            return EagerTensor(np.stack([t.numpy() for t in items]))
        if self._buffer is None:
            raise InvalidArgumentError("TensorArray.stack before any write needs element_shape")
        return self._buffer

    def gather(self, indices) -> Tensor:
        from strataflow.ops.array_ops import gather

        return gather(self.stack(), indices, axis=0)

    def unstack(self, value) -> "TensorArray":
        value = convert_to_tensor(value, dtype=self._dtype)
        if self._items is not None:
            return self._with(items=[EagerTensor(v) for v in value.numpy()])
        return self._with(value)

    def concat(self) -> Tensor:
        from strataflow.ops.array_ops import concat

        if self._items is not None:
            return concat([t for t in self._items], 0)
        dims = self.stack().shape.dims
        from strataflow.ops.array_ops import reshape

        if None in dims[:2]:
            raise InvalidArgumentError("TensorArray.concat needs static sizes inside a staged function")
        return reshape(self.stack(), [dims[0] * dims[1], *dims[2:]])

    def __repr__(self) -> str:
        return f"<sf.TensorArray dtype={self._dtype.name} element_shape={self.element_shape}>"


def _staged_write(buffer: Tensor, index, value: Tensor, dynamic: bool) -> Tensor:
    """`buffer` with row `index` replaced by `value` (or appended, when
    `dynamic` and `index` is the current size)."""
    from strataflow.ops import array_ops

    row = array_ops.expand_dims(value, 0)
    index = convert_to_tensor(index.read_value() if hasattr(index, "read_value") else index,
                              dtype=dtypes.int32)
    n = buffer.shape[0]
    known = index._const_value()
    if dynamic:
        if n is not None and known is not None and int(known) < n:
            return _select_row(buffer, index, row)
        if n is not None and known is not None and int(known) == n:
            return array_ops.concat([buffer, row], 0)  # an append
        return _grow_and_write(buffer, index, row)
    if n is not None and known is not None and not 0 <= int(known) < n:
        raise OutOfRangeError(f"TensorArray write at {int(known)}: size is {n}")
    return _select_row(buffer, index, row)


def _grow_and_write(buffer: Tensor, index: Tensor, row: Tensor) -> Tensor:
    """A write at a run-time index into a dynamic array: grown with zero rows
    to `index + 1` rows if shorter (as TF's dynamic TensorArray), then row
    `index` replaced."""
    from strataflow.ops import array_ops, math_ops

    shape = array_ops.shape(buffer)
    size = shape[0]
    extra = math_ops.maximum(index + 1 - size, 0)
    zeros = array_ops.zeros(array_ops.concat([array_ops.reshape(extra, [1]), shape[1:]], 0),
                            buffer.dtype)
    grown = array_ops.concat([buffer, zeros], 0)
    rows = array_ops.reshape(array_ops.range_(size + extra), [-1] + [1] * (buffer.shape.rank - 1))
    full = array_ops.shape(grown)
    mask = array_ops.broadcast_to(math_ops.equal(rows, index), full)
    return math_ops.where(mask, array_ops.broadcast_to(row, full), grown)


def _select_row(buffer: Tensor, index: Tensor, row: Tensor) -> Tensor:
    from strataflow.ops import array_ops, math_ops

    dims = buffer.shape.dims
    if None in dims:
        raise InvalidArgumentError("writing into a TensorArray of dynamic size at an arbitrary "
                                   "index is not supported inside a staged function")
    positions = EagerTensor(np.arange(dims[0], dtype=np.int32).reshape((dims[0],) + (1,) * (len(dims) - 1)))
    mask = array_ops.broadcast_to(math_ops.equal(positions, index), list(dims))
    return math_ops.where(mask, array_ops.broadcast_to(row, list(dims)), buffer)
