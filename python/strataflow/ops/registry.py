"""Ops: one `OpDef` per primitive, and `apply`, the one place ops run.

An `OpDef` bundles everything about a primitive (cf. JAX primitives):

* ``kernel(*values, **attrs)``: the eager implementation on NumPy arrays
  (a tuple of arrays for multi-output ops, None for no outputs);
* ``infer(*inputs, **attrs)``: the shape/dtype rule. `inputs` are objects
  with ``.shape`` (TensorShape) and ``.dtype`` (DType) -- tensors or
  TensorSpecs; `constant_value(x)` gives a value where one is known. Returns
  the output type: one "type-like" object (a TensorSpec, or -- cheaper on the
  eager hot path -- an input whose shape and dtype the output shares), or a
  tuple of them for multi-output ops (``()`` for none). Consumers read only
  ``.shape`` and ``.dtype`` of it. Raises `InvalidArgumentError` for bad
  arguments;
* ``emit(b, *operands, out_specs, **attrs)``: builds the `sf` ops for one
  application at the current MLIR insertion point; `b` is an
  `ops.emitter.Builder`, `operands` are `ir.Value`s, `out_specs` is what
  infer returned. Returns an `ir.Value` or a list of them. Or
  ``composite(fn)``: the staged form is `fn(*inputs, **attrs)` written with
  other ops (JAX's `lower_fun`), for ops such as conv2d's gradients whose
  eager kernel is a primitive but whose `sf` form is a composition;
* ``grad(ctx, *output_grads)``: the input gradients (Tensor or None each),
  written with ops so it works eagerly, staged and to any order. `ctx` is a
  `GradContext` (``inputs``, ``outputs``, ``attrs``).

`apply(op, inputs, **attrs)` converts inputs, runs `infer`, then either the
kernel (eager) or ``current_graph().emit_op(op, inputs, attrs, out_specs)``
(staging), and lets every active tape record the application with
``tape.record(op, inputs, attrs, outputs)``.

Contract for graphs (the staging layer): `emit_op` gets the converted inputs
-- its own symbolic tensors, `EagerTensor`s (constants/captures to embed)
and `VariableHandle`s (to map to ``!sf.variable`` arguments) -- and returns
symbolic tensor(s) of the inferred types (a tuple when `out_specs` is a
tuple). When ``op.emit is None`` (eager-only ops such as `unique`) it raises
`UnimplementedError` naming the op.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import context as _context
from strataflow.framework import dtypes, errors
from strataflow.framework.tensor import (
    TENSOR_TYPES,
    EagerTensor,
    Tensor,
    _CONVERSIONS,
    convert_to_tensor,
    to_array,
)
from strataflow.framework.tensor_shape import TensorSpec

_OPS: dict[str, "OpDef"] = {}


class OpDef:
    """A primitive op; see the module docstring for the four functions.

    `dtype_group`: indices of the inputs that must share one dtype; Python
    values there adopt the dtype of a tensor among them (TF's
    ``x + 1`` rule). `stateful`: the op reads/writes state or randomness, so
    staging must keep it and its order. `eager_only`: why an op without an
    emitter has none (for the error a staged use raises).
    """

    __slots__ = ("name", "kernel", "infer", "emit", "grad", "dtype_group", "stateful",
                 "eager_only", "__dict__")

    def __init__(self, name, kernel, infer, emit=None, grad=None, *, dtype_group=(), stateful=False,
                 eager_only=None):
        self.name = name
        self.kernel = kernel
        self.infer = infer
        self.emit = emit
        self.grad = grad
        self.dtype_group = tuple(dtype_group)
        self.stateful = stateful
        self.eager_only = eager_only

    def __repr__(self) -> str:
        return f"<OpDef {self.name}>"


class composite:
    """An emitter written with ops: staging applies `fn(*inputs, **attrs)` to
    the symbolic inputs (tapes do not see those inner ops: the op's own
    gradient rule stands for them)."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn


def register(op: OpDef) -> OpDef:
    """Adds `op` to the registry (names are unique)."""
    if op.name in _OPS:
        raise errors.InternalError(f"op {op.name!r} is registered twice")
    _OPS[op.name] = op
    return op


def op_def(name, kernel, infer, emit=None, grad=None, **kw) -> OpDef:
    """Creates and registers an OpDef."""
    return register(OpDef(name, kernel, infer, emit, grad, **kw))


def get(name: str) -> OpDef:
    try:
        return _OPS[name]
    except KeyError:
        raise errors.NotFoundError(f"no op named {name!r}") from None


def all_ops() -> dict[str, OpDef]:
    return dict(_OPS)


class GradContext:
    """What a gradient rule sees of one recorded application."""

    __slots__ = ("op", "inputs", "outputs", "attrs")

    def __init__(self, op: OpDef, inputs, outputs, attrs: dict):
        self.op = op
        self.inputs = tuple(inputs)
        self.outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        self.attrs = attrs

    @property
    def output(self):
        """The only output of a single-output op."""
        return self.outputs[0]


def constant_value(x):
    """The NumPy value of `x` when known at apply time (eager tensors, staged
    constants), else None. Infer rules use it for value-dependent shapes."""
    f = getattr(x, "_const_value", None)
    return None if f is None else f()


def apply(op: OpDef, inputs, **attrs):
    """Runs `op` on `inputs` (eagerly or by staging it); returns its output(s)."""
    for x in inputs:
        if x.__class__ not in TENSOR_TYPES:
            inputs = _convert_inputs(op, inputs)
            break
    # Hot path (eager, no tape). Calls are spelled out for 1 and 2 inputs
    # without attrs: `f(*args)` / `f(**{})` each cost as much as a NumPy 2x2
    # add (ufuncs take a slow path for star-calls).
    n = len(inputs)
    try:
        if attrs:
            out_specs = op.infer(*inputs, **attrs)
        elif n == 2:
            out_specs = op.infer(inputs[0], inputs[1])
        elif n == 1:
            out_specs = op.infer(inputs[0])
        else:
            out_specs = op.infer(*inputs)
    except (errors.OpError, ValueError, IndexError) as e:
        raise _located(op, inputs, e) from (None if isinstance(e, errors.OpError) else e)
    if _context.busy:  # some graph or tape exists (in some thread): ask ours
        state = _context._state
        graph, tapes = state.graph, state.tapes
    else:
        graph = tapes = None
    if graph is None:
        try:
            if attrs:
                result = op.kernel(*[x._value for x in inputs], **attrs)
            elif n == 2:
                result = op.kernel(inputs[0]._value, inputs[1]._value)
            elif n == 1:
                result = op.kernel(inputs[0]._value)
            else:
                result = op.kernel(*[x._value for x in inputs])
        except (errors.OpError, ValueError, IndexError, ArithmeticError) as e:
            raise _located(op, inputs, e) from (None if isinstance(e, errors.OpError) else e)
        if out_specs.__class__ is not tuple:
            outputs = EagerTensor(result, out_specs)
        else:
            outputs = () if result is None else tuple(map(EagerTensor, result, out_specs))
    else:
        outputs = graph.emit_op(op, inputs, attrs, out_specs)
    if tapes:
        for tape in tapes:
            tape.record(op, inputs, attrs, outputs)
    return outputs


def _convert_inputs(op: OpDef, inputs) -> list:
    """Converts non-tensor inputs; Python values in the dtype group adopt the
    dtype of a tensor in the group (or a common default if there is none)."""
    out = list(inputs)
    pending = []
    for i, x in enumerate(out):
        if x.__class__ in TENSOR_TYPES or isinstance(x, Tensor):
            continue
        if x.__class__ in _PY_SCALARS:
            pending.append(i)
        elif x.__class__ in _CONVERSIONS or any(c in _CONVERSIONS for c in type(x).__mro__):
            out[i] = convert_to_tensor(x)  # variables & co.: they give their dtype
        else:
            pending.append(i)
    group = op.dtype_group
    dtype = None
    for i in group:
        if i < len(out) and i not in pending:
            dtype = out[i].dtype
            break
    else:
        if group:
            dtype = _literal_dtype([out[i] for i in group if i < len(out)])
    for i in pending:
        x = out[i]
        try:
            if dtype is not None and i in group and x.__class__ in _PY_SCALARS:
                out[i] = _scalar_tensor(x, dtype)
            else:
                out[i] = convert_to_tensor(x, dtype=dtype if i in group else None)
        except TypeError as e:
            raise TypeError(f"{op.name}: input {i}: {e}") from None
    return out


_PY_SCALARS = {float, int, bool}
_KIND_OF_SCALAR = {float: "f", int: "i", bool: "b"}


_SCALARS: dict = {}  # (type, value, dtype) -> EagerTensor: `x + 1` reuses the constant


def _scalar_tensor(x, dtype):
    key = (x.__class__, x, dtype)
    t = _SCALARS.get(key)
    if t is None:
        if len(_SCALARS) >= 4096:
            _SCALARS.clear()
        t = _SCALARS[key] = EagerTensor(_scalar_array(x, dtype))
    return t


def _scalar_array(x, dtype):
    """Fast path of `to_array` for a Python scalar and a target dtype."""
    kind, target = _KIND_OF_SCALAR[x.__class__], dtype._kind
    if kind == target or (kind == "i" and target in "fu"):
        if kind == "i" and target != "f" and not dtype.min <= x <= dtype.max:
            raise TypeError(f"{x!r} does not fit in dtype {dtype.name}")
        return np.array(x, dtype._np)
    return to_array(x, dtype)  # raises the TypeError TF raises


def _literal_dtype(values):
    """Common dtype of Python/NumPy values with no tensor among them: like
    Python, `1 + 2.5` is a float (float32, TF's default)."""
    arrays = [to_array(v) for v in values]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    if floats and len(floats) < len(arrays):
        return dtypes.from_numpy(max(floats, key=lambda d: d.itemsize))
    return None


def describe(x) -> str:
    """`float32[2,?]`-style summary of a tensor or spec for messages."""
    try:
        dims = x.shape.dims
        shape = "[?]" if dims is None else "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"
        return f"{x.dtype.name}{shape}"
    except AttributeError:
        return type(x).__name__


def _located(op: OpDef, inputs, e: Exception) -> errors.OpError:
    """An error of the same kind naming the op, its inputs and the user's line."""
    message = getattr(e, "message", None) or str(e)
    text = (
        f"{op.name}: {message}\n"
        f"  inputs: ({', '.join(describe(x) for x in inputs)})\n"
        f"  at {errors.user_location()}"
    )
    cls = type(e) if isinstance(e, errors.OpError) else errors.InvalidArgumentError
    return cls(text, op=op.name)
