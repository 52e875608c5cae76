"""`sf.Variable`: mutable state, read and written only through ops.

    >>> v = sf.Variable([1.0, 2.0])
    >>> v.assign_add([1.0, 1.0])
    <sf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([2., 3.], dtype=float32)>

Every access is an op on the variable's `handle` (`read_variable`,
`assign_variable`, `assign_add_variable`, `assign_sub_variable`), so tapes
see reads (`watch_accessed_variables`) and staging turns them into
`sf.read` / `sf.assign*` on a `!sf.variable<T>` function argument.

Storage semantics: `handle.array` is the current value. Eager assignments
rebind it to a new array, so a tensor read earlier keeps its value (a
snapshot) without copying on read. Code that writes the storage in place
(compiled functions given the buffer) must take it from
`handle.writable_array()`, which copies first if a read may still share it.
"""
from __future__ import annotations

import contextlib
import itertools

import numpy as np

from strataflow.framework import context, dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import (
    TENSOR_TYPES,
    Tensor,
    convert_to_tensor,
    register_tensor_conversion_function,
)
from strataflow.framework.tensor_shape import TensorShape, TensorSpec, as_shape
from strataflow.ops import shape_rules as rules
from strataflow.ops.registry import apply, op_def

_uid = itertools.count()
# Variables made by user code: `sf.function` allows them on a first trace
# only. The framework's own state (random streams) is made in
# `framework_state()` and not counted.
_created = {"count": 0, "framework": 0}


def created_count() -> int:
    """How many user variables were made so far in this process."""
    return _created["count"]


@contextlib.contextmanager
def framework_state():
    """Variables made inside belong to the framework, not the caller."""
    _created["framework"] += 1
    try:
        yield
    finally:
        _created["framework"] -= 1


class VariableHandle:
    """The op-level identity of a variable (TF's resource handle).

    Ops take it as an input like a tensor. `shape`/`dtype` are the
    variable's declared type (dims may be None); `array` its current value;
    `variable` the owning `Variable`. Staging maps a handle to a function
    argument of type ``!sf.variable<tensor<...>>`` (see `spec`).
    """

    __slots__ = ("variable", "array", "shape", "dtype", "uid", "shared", "__weakref__")

    def __init__(self, variable, array: np.ndarray, shape: TensorShape):
        self.variable = variable
        self.array = array
        self.shape = shape
        self.dtype = dtypes.from_numpy(array.dtype)
        self.uid = next(_uid)
        self.shared = False  # a tensor (or .numpy()) may share `array`

    def read(self) -> np.ndarray:
        """The current value, for readers that will not mutate it."""
        self.shared = True
        return self.array

    def writable_array(self) -> np.ndarray:
        """The storage, safe to mutate in place (copied first if shared)."""
        if self.shared:
            self.array = self.array.copy()
            self.shared = False
        return self.array

    def replace(self, array: np.ndarray) -> None:
        """Rebinds the value to `array` (owned by the variable from now on)."""
        self.array = array
        self.shared = False

    @property
    def spec(self) -> TensorSpec:
        """The type of the variable's value."""
        return TensorSpec(self.shape, self.dtype)

    @property
    def _value(self):
        # Kernels receive `input._value`; the kernels of state ops get the handle.
        return self

    def __repr__(self) -> str:
        return f"<VariableHandle {self.variable.name} {rules.dims_text(self.shape)} {self.dtype.name}>"


TENSOR_TYPES.add(VariableHandle)


# ---------------------------------------------------------------------------
# the state ops
# ---------------------------------------------------------------------------

def _read_infer(h):
    return TensorSpec(h.shape, h.dtype)


def _read_emit(b, h, *, out_specs):
    return b.op("sf.read", [h], [b.tensor_type(out_specs)])


def _assign_infer(h, value):
    if value.dtype is not h.dtype:
        raise InvalidArgumentError(
            f"cannot assign a {value.dtype.name} value to a {h.dtype.name} variable"
        )
    if not h.shape.is_compatible_with(value.shape):
        raise InvalidArgumentError(
            f"cannot assign a value of shape {rules.dims_text(value.shape)} to a variable of "
            f"shape {rules.dims_text(h.shape)}"
        )
    return ()


def _assign_emitter(mnemonic: str):
    name = "sf." + mnemonic

    def emit(b, h, value, *, out_specs):
        target = b.variable_value_type(h)
        if value.type != target:  # e.g. a dynamically shaped value for a static variable
            value = b.op("tensor.cast", [value], [target])
        b.op(name, [h, value], [])
        b.note_write(h)
        return []
    return emit


def _assign_kernel(h, value):
    h.replace(np.array(value, copy=True))  # rebind: earlier reads keep their value


def _assign_add_kernel(h, value):
    h.replace(h.array + value)


def _assign_sub_kernel(h, value):
    h.replace(h.array - value)


READ_VARIABLE = op_def("read_variable", lambda h: h.read(), _read_infer, _read_emit,
                       lambda ctx, g: [g], stateful=True)
ASSIGN_VARIABLE = op_def("assign_variable", _assign_kernel, _assign_infer,
                         _assign_emitter("assign"), stateful=True, dtype_group=(0, 1))
ASSIGN_ADD_VARIABLE = op_def("assign_add_variable", _assign_add_kernel, _assign_infer,
                             _assign_emitter("assign_add"), stateful=True, dtype_group=(0, 1))
ASSIGN_SUB_VARIABLE = op_def("assign_sub_variable", _assign_sub_kernel, _assign_infer,
                             _assign_emitter("assign_sub"), stateful=True, dtype_group=(0, 1))


# ---------------------------------------------------------------------------
# Variable
# ---------------------------------------------------------------------------

class Variable:
    """A mutable tensor-valued state, as `tf.Variable`.

    `initial_value` may be a value or a callable returning one. `shape`
    may be less specific than the value's (e.g. `[None, 3]`) to allow
    assignments of other shapes.

        >>> v = sf.Variable(sf.zeros([2]), name="w")
        >>> v
        <sf.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([0., 0.], dtype=float32)>
    """

    __array_priority__ = 100

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None):
        if initial_value is None:
            raise ValueError("a Variable needs an initial_value")
        if callable(initial_value):
            initial_value = initial_value()
        with context.eager_scope():  # initial values are concrete even while staging
            value = convert_to_tensor(initial_value, dtype=dtype)
        array = np.array(value.numpy(), copy=True)
        declared = TensorShape(array.shape) if shape is None else as_shape(shape)
        if not declared.is_compatible_with(array.shape):
            raise InvalidArgumentError(
                f"initial value of shape {list(array.shape)} does not match shape {declared}"
            )
        self._trainable = bool(trainable)
        base = context.scope_prefix() + (name or "Variable")
        self._name = base if ":" in base else f"{base}:0"
        self.handle = VariableHandle(self, array, declared)
        if not _created["framework"]:
            _created["count"] += 1

    # -- identity -------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def dtype(self) -> dtypes.DType:
        return self.handle.dtype

    @property
    def shape(self) -> TensorShape:
        return self.handle.shape

    @property
    def ndim(self) -> int | None:
        return self.handle.shape.rank

    def get_shape(self) -> TensorShape:
        return self.shape

    def ref(self):
        return self  # variables hash by identity

    # -- reading --------------------------------------------------------------
    def read_value(self) -> Tensor:
        """The current value (an op: recorded by tapes, staged as `sf.read`)."""
        return apply(READ_VARIABLE, [self.handle])

    value = read_value

    def numpy(self) -> np.ndarray:
        return self.handle.read()

    def __array__(self, dtype=None, copy=None):
        a = self.handle.read()
        return a.astype(dtype) if dtype is not None else (a.copy() if copy else a)

    # -- writing --------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=False):
        """Stores `value` (same dtype; a compatible shape). Returns the variable."""
        apply(ASSIGN_VARIABLE, [self.handle, value])
        return self.read_value() if read_value else self

    def assign_add(self, delta, use_locking=False, name=None, read_value=False):
        apply(ASSIGN_ADD_VARIABLE, [self.handle, delta])
        return self.read_value() if read_value else self

    def assign_sub(self, delta, use_locking=False, name=None, read_value=False):
        apply(ASSIGN_SUB_VARIABLE, [self.handle, delta])
        return self.read_value() if read_value else self

    # -- Python protocol: everything else goes through a read -----------------
    def __repr__(self) -> str:
        value = repr(self.handle.array) if self.handle.array.ndim else str(self.handle.array[()])
        return (f"<sf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={value}>")

    def __bool__(self):
        return bool(self.read_value())

    def __len__(self):
        return len(self.read_value())

    def __iter__(self):
        return iter(self.read_value())

    def __index__(self):
        return self.read_value().__index__()

    def __int__(self):
        return int(self.read_value())

    def __float__(self):
        return float(self.read_value())

    def __hash__(self):
        return id(self)

    def __deepcopy__(self, memo):
        return Variable(self.handle.array.copy(), self.trainable, self.name, shape=self.shape)


def _forward(name):
    def method(self, *args):
        return getattr(self.read_value(), name)(*args)
    method.__name__ = name
    return method


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__lt__",
              "__le__", "__gt__", "__ge__", "__and__", "__rand__", "__or__", "__ror__",
              "__xor__", "__rxor__", "__lshift__", "__rlshift__", "__rshift__", "__rrshift__",
              "__invert__", "__neg__", "__abs__", "__getitem__"):
    setattr(Variable, _name, _forward(_name))


def _variable_eq(self, other):
    return self is other if isinstance(other, Variable) else self.read_value() == other


Variable.__eq__ = _variable_eq
Variable.__ne__ = lambda self, other: not _variable_eq(self, other) if isinstance(other, Variable) \
    else self.read_value() != other
Variable.__hash__ = lambda self: id(self)

register_tensor_conversion_function(Variable, lambda v, dtype: convert_to_tensor(v.read_value(), dtype))
