"""`FuncGraph`: one `func.func` being traced, and its symbolic tensors.

While a FuncGraph is current (`context.push_graph`), `ops.registry.apply`
calls `graph.emit_op(...)` instead of running kernels. The graph turns the
inputs into `ir.Value`s -- capturing what comes from outside:

* an eager tensor becomes an `sf.constant` at the top of the function, or,
  above `LARGE_CONSTANT` elements, an extra function argument bound to the
  array at call time (the IR stays small);
* a variable handle becomes a `!sf.variable<tensor<...>>` argument that the
  compiled code reads and updates in place;

then builds the op at the current insertion point with the location of the
user's source line, and wraps the results as `SymbolicTensor`s.

    >>> from strataflow.framework import context
    >>> g = FuncGraph("f")
    >>> x = g.add_input(sf.TensorSpec([2], sf.float32))
    >>> with context.graph_scope(g):
    ...     y = x + 1.0
    >>> y
    <sf.Tensor shape=(2,) dtype=float32 (symbolic, in f)>
    >>> g.finish([y]); print(g.module)
    module {
      func.func @f(%arg0: tensor<2xf32>) -> tensor<2xf32> {
        %0 = sf.constant dense<1.000000e+00> : tensor<f32>
        %1 = sf.constant dense<2> : tensor<1xi64>
        %2 = sf.broadcast_to %0, %1 : (tensor<f32>, tensor<1xi64>) -> tensor<2xf32>
        %3 = sf.add %arg0, %2 : tensor<2xf32>
        return %3 : tensor<2xf32>
      }
    }
    <BLANKLINE>
"""
from __future__ import annotations

import threading

import numpy as np
from mlir import ir

from strataflow.framework import context as _context
from strataflow.framework import dtypes, errors
from strataflow.framework.tensor import EagerTensor, Tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.framework.variables import VariableHandle
from strataflow.ops.emitter import Builder
from strataflow.ops.registry import composite

LARGE_CONSTANT = 1024  # captured eager tensors above this many elements become arguments

_context_lock = threading.Lock()
_mlir_context: ir.Context | None = None


def mlir_context() -> ir.Context:
    """The MLIR context all staged functions are built in (created once)."""
    global _mlir_context
    with _context_lock:
        if _mlir_context is None:
            from strataflow import compiler

            _mlir_context = compiler.new_context()
    return _mlir_context


class SymbolicTensor(Tensor):
    """A tensor inside a function being traced: an `ir.Value` plus its static type.

    It has no value; operators and ops build IR. `_range` remembers the
    (start, limit, delta) of an `sf.range` result so that
    `for i in sf.range(n)` loops over scalars without materialising it
    (`_ir` stays None until the range is used as a tensor).
    """

    # plain slots, as in EagerTensor: op inference reads them on every application
    __slots__ = ("_ir", "shape", "dtype", "_graph", "_range", "_pending")

    def __init__(self, graph: "FuncGraph", value: ir.Value, shape: TensorShape, dtype: dtypes.DType):
        self._graph = graph
        self._ir = value
        self.shape = shape
        self.dtype = dtype
        self._range = None
        self._pending = None  # an eager value to capture on first use (static sf.range)

    @property
    def graph(self) -> "FuncGraph":
        return self._graph

    def __bool__(self):
        raise TypeError(
            "a symbolic tensor cannot be used as a Python bool inside a staged function; "
            "write the `if`/`while` in the function itself (AutoGraph converts it) "
            "or use sf.cond / sf.while_loop"
        )

    def __repr__(self) -> str:
        return f"<sf.Tensor shape={self.shape} dtype={self.dtype.name} (symbolic, in {self._graph.name})>"


class GraphBuilder(Builder):
    """The emitter helper bound to one graph (emitters may need captures)."""

    def __init__(self, graph: "FuncGraph"):
        self.graph = graph

    def note_write(self, handle: ir.Value) -> None:
        self.graph.written_handles.add(handle)


class FuncGraph:
    """Builds one `func.func @name` in its own module; see the module docstring."""

    def __init__(self, name: str):
        self.name = name
        self.ctx = mlir_context()
        with self.ctx, ir.Location.unknown():
            self.module = ir.Module.create()
            self.func = ir.Operation.create(
                "func.func",
                attributes={
                    "sym_name": ir.StringAttr.get(name),
                    "function_type": ir.TypeAttr.get(ir.FunctionType.get([], [])),
                },
                regions=1,
            )
            self.module.body.append(self.func)
            self.entry = self.func.regions[0].blocks.append()
        self._insertion = [ir.InsertionPoint(self.entry)]
        self.builder = GraphBuilder(self)
        self.inputs: list[SymbolicTensor] = []            # user tensor arguments
        self.variable_inputs: list[VariableHandle] = []   # variables passed as arguments
        self.captured_variables: list[VariableHandle] = []
        self.captured_constants: list[np.ndarray] = []    # large eager tensors (arguments)
        self.captures: list = []  # what each argument after the inputs is bound to, in order
        self._handles: dict[int, ir.Value] = {}           # id(handle) -> block argument
        self.written_handles: set[ir.Value] = set()        # those that sf.assign* ops write
        self._constants: dict = {}  # id(eager tensor) or small value's bytes -> (tensor, value)
        self._locations: dict[tuple, ir.Location] = {}
        self.outputs: list[SymbolicTensor] = []
        self.finished = False

    # -- arguments ----------------------------------------------------------
    def _argument(self, t: ir.Type) -> ir.Value:
        with self.ctx:
            return self.entry.add_argument(t, ir.Location.unknown())

    def add_input(self, spec: TensorSpec) -> SymbolicTensor:
        """A new tensor argument of type `spec` (arguments come before captures)."""
        with self.ctx, ir.Location.unknown():
            value = self._argument(self.builder.tensor_type(spec))
        t = SymbolicTensor(self, value, spec.shape, spec.dtype)
        self.inputs.append(t)
        return t

    def add_variable_input(self, handle: VariableHandle) -> None:
        """Makes a variable passed as an argument a `!sf.variable` argument."""
        self._handles[id(handle)] = self._argument(self._variable_type(handle))
        self.variable_inputs.append(handle)

    def _variable_type(self, handle: VariableHandle) -> ir.Type:
        with self.ctx, ir.Location.unknown():
            value_type = self.builder.tensor_type(handle.spec)
            return ir.Type.parse(f"!sf.variable<{value_type}>")

    # -- captures -----------------------------------------------------------
    def capture(self, x) -> ir.Value:
        """The `ir.Value` of an op input (tensor of this graph, eager tensor, handle)."""
        cls = x.__class__
        if cls is SymbolicTensor:
            if x._graph is not self:
                raise errors.InvalidArgumentError(
                    f"a tensor of the staged function {x._graph.name!r} is used in "
                    f"{self.name!r}; tensors cannot leak out of the function that made them "
                    "(return them instead)"
                )
            if x._ir is None:
                if x._pending is None:
                    raise errors.UnimplementedError(
                        "a sf.range with symbolic bounds can only be iterated over here "
                        "(no range op is registered to materialise it)")
                x._ir = self._capture_constant(x._pending)
            return x._ir
        if cls is VariableHandle:
            value = self._handles.get(id(x))
            if value is None:
                value = self._handles[id(x)] = self._argument(self._variable_type(x))
                self.captured_variables.append(x)
                self.captures.append(x)
            return value
        if isinstance(x, EagerTensor):
            return self._capture_constant(x)
        raise TypeError(f"cannot use a {type(x).__name__} as an op input in a staged function")

    def _capture_constant(self, t: EagerTensor) -> ir.Value:
        entry = self._constants.get(id(t))
        if entry is not None:
            return entry[1]
        array = t._value
        if array.size <= 16:  # small values (1, 2.0, ...) once per function, by value
            key = (array.dtype.str, array.shape, array.tobytes())
            entry = self._constants.get(key)
            if entry is not None:
                self._constants[id(t)] = (t, entry[1])
                return entry[1]
        if array.size > LARGE_CONSTANT:
            with self.ctx, ir.Location.unknown():
                value = self._argument(self.builder.tensor_type(t.shape, t.dtype))
            self.captured_constants.append(array)
            self.captures.append(array)
        else:
            with self.ctx, ir.Location.unknown(), ir.InsertionPoint.at_block_begin(self.entry):
                value = self.builder.constant(array)
        self._constants[id(t)] = (t, value)  # holding `t` keeps its id unique
        if array.size <= 16:
            self._constants[(array.dtype.str, array.shape, array.tobytes())] = (t, value)
        return value

    def capture_tensor(self, t: Tensor) -> SymbolicTensor:
        """`t` as a tensor of this graph (eager tensors are captured)."""
        if t.__class__ is SymbolicTensor and t._graph is self:
            return t
        return SymbolicTensor(self, self.capture(t), t.shape, t.dtype)

    # -- building -----------------------------------------------------------
    def location(self) -> ir.Location:
        """The location of the user's line that is calling into strataflow."""
        frame = errors.user_frame()
        if frame is None:
            return ir.Location.unknown(self.ctx)
        key = (frame.f_code.co_filename, frame.f_lineno)
        loc = self._locations.get(key)
        if loc is None:
            loc = self._locations[key] = ir.Location.file(key[0], key[1], 1, self.ctx)
        return loc

    def tensor_type(self, spec) -> ir.RankedTensorType:
        with self.ctx, ir.Location.unknown():
            return self.builder.tensor_type(spec)

    def insertion_point(self) -> ir.InsertionPoint:
        return self._insertion[-1]

    def push_insertion_point(self, ip: ir.InsertionPoint) -> None:
        self._insertion.append(ip)

    def pop_insertion_point(self) -> None:
        self._insertion.pop()

    def wrap(self, value: ir.Value, spec: TensorSpec) -> SymbolicTensor:
        return SymbolicTensor(self, value, spec.shape, spec.dtype)

    def emit_op(self, op, inputs, attrs, out_specs):
        """Stages one application of `op` (called by `ops.registry.apply`)."""
        if self.finished:
            raise errors.FailedPreconditionError(f"function {self.name!r} is already traced")
        if op.emit is None:
            reason = op.eager_only or "it has no sf form yet"
            raise errors.UnimplementedError(
                f"op {op.name!r} cannot be staged: {reason}; call it outside sf.function", op=op.name)
        if op.emit.__class__ is composite:
            with _context.only_tapes([]):
                return op.emit.fn(*inputs, **attrs)
        operands = [self.capture(x) for x in inputs]
        with self.ctx, self.location(), self._insertion[-1]:
            results = op.emit(self.builder, *operands, out_specs=out_specs, **attrs)
        if out_specs.__class__ is not tuple:  # one output (infer may return a type-like input)
            if isinstance(results, (list, tuple)):
                (results,) = results
            out = SymbolicTensor(self, results, out_specs.shape, out_specs.dtype)
            if op.name == "range":
                out._range = tuple(inputs)
            return out
        if not isinstance(results, (list, tuple)):
            results = [results]
        return tuple(SymbolicTensor(self, v, s.shape, s.dtype) for v, s in zip(results, out_specs))

    # -- finishing ----------------------------------------------------------
    def finish(self, outputs: list[Tensor]) -> None:
        """Adds `func.return` of `outputs`, fixes the signature and verifies."""
        values = [self.capture(t) for t in outputs]
        self.outputs = [self.capture_tensor(t) for t in outputs]
        with self.ctx, ir.Location.unknown(), ir.InsertionPoint(self.entry):
            ir.Operation.create("func.return", operands=values)
            arg_types = [a.type for a in self.entry.arguments]
            self.func.attributes["function_type"] = ir.TypeAttr.get(
                ir.FunctionType.get(arg_types, [v.type for v in values])
            )
        self.finished = True
        self.verify()

    def verify(self) -> None:
        diagnostics: list[str] = []

        def handler(d):
            diagnostics.append(f"{d.location}: {d.message}")
            return True

        handle = self.ctx.attach_diagnostic_handler(handler)
        try:
            self.module.operation.verify()
        except ir.MLIRError as e:
            raise errors.CompilationError(
                f"staged function {self.name!r} is invalid:\n" + ("\n".join(diagnostics) or str(e))
            ) from None
        finally:
            handle.detach()

    def __str__(self) -> str:
        return str(self.module)
