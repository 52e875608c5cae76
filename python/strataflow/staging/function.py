"""`sf.function`: trace a Python function into `sf` IR, compile it, reuse it.

    >>> @sf.function
    ... def f(x, n):
    ...     for _ in range(n):          # a Python value: unrolled at trace time
    ...         x = x * 2.0
    ...     return x + 1.0
    >>> f(sf.constant([1.0, 2.0]), 2).numpy()
    array([5., 9.], dtype=float32)

A call computes a trace key (`trace_key.encode`): tensors by dtype and
shape, Python values by value. A new key traces the (AutoGraph-converted)
function with symbolic tensors into a `FuncGraph`, giving a
`ConcreteFunction` that is compiled for the CPU once and called with NumPy
arrays from then on. Inside another trace, a `Function` call is inlined.
"""
from __future__ import annotations

import functools
import inspect
import re
import threading
import types
import warnings
import weakref

import numpy as np

from strataflow.framework import context as _context
from strataflow.framework import variables as _variables
from strataflow.framework.errors import CompilationError, CompilerFallbackWarning
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor
from strataflow.framework.tensor_shape import TensorSpec
from strataflow.framework.variables import Variable
from strataflow.staging import nest
from strataflow.staging.graph import FuncGraph, SymbolicTensor
from strataflow.staging.trace_key import describe, encode

RETRACING_THRESHOLD = 5  # more traces than this -> a RetracingWarning per trace


class RetracingWarning(UserWarning):
    """A staged function is traced again and again (each trace compiles)."""


def _symbol(name: str, n: int) -> str:
    """The function's symbol: deterministic (name and trace number), so that
    identical traces hit the compile cache, across processes too."""
    return f"{re.sub(r'[^A-Za-z0-9_]', '_', name)}_{n}"


# ---------------------------------------------------------------------------
# ConcreteFunction
# ---------------------------------------------------------------------------

class ConcreteFunction:
    """One traced signature: its IR (`graph`), compiled lazily, then called.

    `inputs`/`outputs` are the graph's symbolic tensors, `structured_outputs`
    the returned structure (Python values stay as they were).

        >>> @sf.function
        ... def scale(x, n):
        ...     return x * n
        >>> cf = scale.get_concrete_function(sf.TensorSpec([None], sf.float32), 2)
        >>> print(cf.graph)                                # n = 2 is a constant
        module {
          func.func @scale...(%arg0: tensor<?xf32>) -> tensor<?xf32> {
            %0 = sf.constant dense<2.000000e+00> : tensor<f32>
            ...
            %3 = sf.mul %arg0, %2 : tensor<?xf32>
            return %3 : tensor<?xf32>
          }
        }
        >>> cf(sf.constant([1.0]), 2)
        <sf.Tensor: shape=(1,), dtype=float32, numpy=array([2.], dtype=float32)>
    """

    def __init__(self, graph: FuncGraph, structured_outputs, output_template, input_specs, n_variable_inputs):
        self.graph = graph
        self.structured_outputs = structured_outputs
        self._template = output_template        # outputs with tensors replaced by their index
        self._input_specs = input_specs
        self._n_variables = n_variable_inputs
        self._captures = list(graph.captures)  # handles and arrays after the inputs
        self._written = {id(h) for h in graph.variable_inputs + graph.captured_variables
                         if _writes(graph, h)}
        self._single = (output_template == 0 and len(graph.outputs) == 1)
        self._compiled = None
        self._simple = False
        self._guards: list = []

    # -- introspection ------------------------------------------------------
    @property
    def inputs(self) -> list:
        return list(self.graph.inputs)

    @property
    def outputs(self) -> list:
        return list(self.graph.outputs)

    @property
    def name(self) -> str:
        return self.graph.name

    @property
    def captured_variables(self) -> list:
        return [h.variable for h in self.graph.captured_variables]

    def ir(self, stage: str = "sf", debug_info: bool = False) -> str:
        """The function's module as text, lowered to `stage` (sf, linalg, loops,
        llvm); `debug_info` prints the source locations of the ops."""
        if stage == "sf":
            return self.graph.module.operation.get_asm(enable_debug_info=debug_info)
        from strataflow import compiler

        with self.graph.ctx:
            return str(compiler.lower(self.graph.module, stage))

    # -- calling ------------------------------------------------------------
    def _compile(self):
        from strataflow import compiler
        from strataflow.staging.executor import Executor

        graph = self.graph
        state = graph.variable_inputs + self._captures
        with graph.ctx:
            module, returned = (compiler.promote_variables(graph.module, graph.name)
                                if graph.variable_inputs or graph.captured_variables
                                else (graph.module, None))
            try:
                compiled = compiler.compile_module(module, graph.name)
            except CompilationError as e:
                # The optimizing schedule rejected it: run the reference
                # lowering (naive loops) rather than fail the call, and say so.
                try:
                    compiled = compiler.compile_module(module, graph.name, optimize=False)
                except CompilationError:
                    raise e from None
                warnings.warn(f"{graph.name}: the optimizing CPU pipeline failed, using naive "
                              f"loops:\n{e}", CompilerFallbackWarning, stacklevel=4)
        inputs = [(s.dtype._np, s.shape.dims) for s in self._input_specs]
        inputs += [(x.dtype, x.shape) if x.__class__ is np.ndarray else (x.dtype._np, x.shape.dims)
                   for x in state]
        n = len(self._input_specs)
        outputs = [(t.dtype._np, t.shape.dims) for t in graph.outputs]
        self._n_outputs = len(outputs)
        self._returns_state = returned is not None
        if returned is None:  # updated in place
            self._written_state = [j for j, x in enumerate(state) if id(x) in self._written]
            written = [n + j for j in self._written_state]
        else:  # new values returned after the outputs
            self._written_state = [i - n for i in returned]
            outputs += [inputs[i] for i in returned]
            written = []
        self._compiled = Executor(compiled, inputs, outputs, written)
        self._simple = self._single and self._compiled.simple and not state
        return self._compiled

    def accepts(self, tensors) -> bool:
        specs = self._input_specs
        return len(tensors) == len(specs) and all(
            s.is_compatible_with(t) for s, t in zip(specs, tensors)
        )

    def __call__(self, *args, **kwargs):
        _, tensors, variables = encode(args, kwargs)
        if not self.accepts(tensors) or len(variables) != self._n_variables:
            got = ", ".join(f"{t.dtype.name}{t.shape}" for t in tensors)
            want = ", ".join(f"{s.dtype.name}{s.shape}" for s in self._input_specs)
            raise TypeError(f"{self.name}: expected tensors ({want}), got ({got})")
        return self._run(tensors, variables)

    def _run(self, tensors, variables):
        executor = self._compiled or self._compile()
        if self._simple:
            return EagerTensor(executor.call_one([t._value for t in tensors]))
        arrays = [t._value for t in tensors]
        if variables or self._captures:
            state = [v.handle for v in variables] + self._captures
            arrays += [x if x.__class__ is np.ndarray else x.array for x in state]
            results, new_values = executor(arrays)
            if self._returns_state:
                results, new_values = results[:self._n_outputs], results[self._n_outputs:]
            for j, value in zip(self._written_state, new_values):
                state[j].array = value  # rebind: earlier reads keep their arrays
        else:
            results, _ = executor(arrays)
        if self._single:
            return EagerTensor(results[0])
        outs = [EagerTensor(r) for r in results]
        leaves = [outs[t] if t.__class__ is int else t.value for t in nest.flatten(self._template)]
        return nest.pack_sequence_as(self._template, leaves)


class _Const:
    """A Python value among the outputs (returned as is)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _writes(graph: FuncGraph, handle) -> bool:
    # recorded by the emitters: looking at the uses would import the Python
    # op classes of `sf` (~10 ms on a first trace)
    return graph._handles[id(handle)] in graph.written_handles


# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------

class Function:
    """A Python function staged on call; see `function` and the module docstring."""

    def __init__(self, python_function, input_signature=None, reduce_retracing=False,
                 jit_compile=None, autograph=True, name=None):
        if not callable(python_function):
            raise TypeError(f"sf.function needs a callable, got {python_function!r}")
        if not (inspect.isfunction(python_function) or inspect.ismethod(python_function)):
            # a callable object, e.g. an sf.Module: stage its __call__
            call = getattr(python_function, "__call__", None)
            if isinstance(call, Function):
                call = call._python_function
            if call is None or not inspect.ismethod(call):
                raise TypeError(f"sf.function cannot stage {python_function!r}")
            python_function = call
        self._python_function = python_function
        functools.update_wrapper(self, python_function, updated=())
        self._name = name or getattr(python_function, "__name__", "function")
        self._input_signature = None if input_signature is None else _normalize_signature(input_signature)
        self._reduce_retracing = bool(reduce_retracing)
        self._jit_compile = jit_compile  # everything is compiled; kept for TF compatibility
        self._autograph = autograph
        self._cache: dict = {}
        self._by_rank: dict = {}          # key with ranks instead of shapes -> [ConcreteFunction]
        self._signature_cf = None
        self._tracing_count = 0
        self._last_trace = None           # {argument name: description} of the latest trace
        self._lock = threading.RLock()
        self._bound: dict = {}
        self._converted = None
        try:
            self._py_signature = inspect.signature(python_function)
        except (TypeError, ValueError):
            self._py_signature = None

    # -- public API ---------------------------------------------------------
    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function was traced."""
        return self._tracing_count

    def __call__(self, *args, **kwargs):
        if _context._state.graph is not None:  # inside another trace: inline
            return self._callable()(*args, **kwargs)
        if _context._state.tapes:  # one differentiable call (see strataflow.autodiff)
            from strataflow.autodiff.function_call import recorded_call

            return recorded_call(self, args, kwargs)
        if self._input_signature is not None:
            cf = self._signature_cf or self._trace_signature()
            return cf._run(*self._signature_arguments(args, kwargs))
        key, tensors, variables = encode(args, kwargs)
        cf = self._cache.get(key)
        if cf is None or (cf._guards and not _guards_hold(cf._guards)):
            cf = self._lookup_or_trace(args, kwargs, key, tensors)
        return cf._run(tensors, variables)

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The concrete function for these arguments (tensors, TensorSpecs,
        Python values), tracing it if needed."""
        if self._input_signature is not None:
            if args or kwargs:
                self._signature_arguments(args, kwargs)  # validates
            return self._signature_cf or self._trace_signature()
        key, tensors, _ = encode(args, kwargs)
        cf = self._cache.get(key)
        if cf is None:
            cf = self._lookup_or_trace(args, kwargs, key, tensors)
        return cf

    def experimental_get_compiler_ir(self, *args, **kwargs):
        """`f.experimental_get_compiler_ir(x)(stage="linalg")` -> module text."""
        cf = self.get_concrete_function(*args, **kwargs)
        return lambda stage="sf": cf.ir(stage)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        entry = self._bound.get(id(instance))
        if entry is not None and entry[0]() is instance:
            return entry[1]
        bound = Function(types.MethodType(self._python_function, instance), self._input_signature,
                         self._reduce_retracing, self._jit_compile, self._autograph, self._name)
        try:
            ref = weakref.ref(instance, lambda _, k=id(instance), d=self._bound: d.pop(k, None))
        except TypeError:  # not weak-referenceable: cache without cleanup
            ref = lambda instance=instance: instance  # noqa: E731
        self._bound[id(instance)] = (ref, bound)
        return bound

    def __repr__(self) -> str:
        return f"<sf.function {self._name}>"

    # -- tracing ------------------------------------------------------------
    def _callable(self):
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            from strataflow.staging.autograph import conversion

            self._converted = conversion.convert(self._python_function)
        return self._converted

    def _lookup_or_trace(self, args, kwargs, key, tensors) -> ConcreteFunction:
        with self._lock:
            rank_key = _rank_key(key)
            candidates = self._by_rank.setdefault(rank_key, [])
            for cf in candidates:  # a more general concrete function accepts the call
                if cf.accepts(tensors) and (not cf._guards or _guards_hold(cf._guards)):
                    self._cache[key] = cf
                    return cf
            specs = [TensorSpec(t.shape, t.dtype) for t in tensors]
            if self._reduce_retracing and candidates:
                specs = [TensorSpec(s.shape.most_specific_compatible_shape(c.shape), s.dtype)
                         for s, c in zip(specs, candidates[-1]._input_specs)]
            cf = self._trace(args, kwargs, specs)
            candidates.append(cf)
            self._cache[key] = cf
            return cf

    def _trace(self, args, kwargs, specs) -> ConcreteFunction:
        from strataflow.compiler import jit

        self._report_retracing(args, kwargs)
        graph = FuncGraph(_symbol(self._name, self._tracing_count))
        # LLVM's one-time set-up overlaps the trace; started after the graph's
        # context exists (started before, it delayed that context's creation ~35 ms)
        jit.warm_up()
        placeholders = iter([graph.add_input(s) for s in specs])
        sym_args, sym_kwargs, variables = _substitute(args, kwargs, placeholders)
        for v in variables:
            graph.add_variable_input(v.handle)
        created_before = _variables.created_count()
        _context.push_graph(graph)
        try:
            with _context.only_tapes([]):  # outer (eager) tapes must not see symbolic ops
                structured = self._callable()(*sym_args, **sym_kwargs)
            leaves = nest.flatten(structured)
            leaves = [x.read_value() if isinstance(x, Variable) else x for x in leaves]
        finally:
            _context.pop_graph()
        if _variables.created_count() != created_before and self._tracing_count > 1:
            raise ValueError(
                f"sf.function {self._name!r} created a variable on a trace other than the first; "
                "variables may be created only on the first call (create them outside the "
                "function, or once, e.g. `if self.v is None: self.v = sf.Variable(...)`)"
            )
        outputs, template = [], []
        for leaf in leaves:
            _check_output(self._name, leaf)
            if isinstance(leaf, Tensor):
                template.append(len(outputs))
                outputs.append(leaf)
            else:
                template.append(_Const(leaf))
        graph.finish(outputs)
        symbolic = iter(graph.outputs)
        structured_outputs = nest.pack_sequence_as(
            structured, [next(symbolic) if t.__class__ is int else t.value for t in template])
        template_structure = nest.pack_sequence_as(structured, template)
        cf = ConcreteFunction(graph, structured_outputs, template_structure, specs, len(variables))
        cf._guards = _variable_guards(self._python_function)
        return cf

    def _report_retracing(self, args, kwargs) -> None:
        self._tracing_count += 1
        described = self._describe(args, kwargs)
        previous, self._last_trace = self._last_trace, described
        if self._tracing_count <= RETRACING_THRESHOLD or previous is None:
            return
        changes = [
            f"argument {name!r} changed from {previous.get(name, 'absent')} to {text}"
            for name, text in described.items() if previous.get(name) != text
        ] or ["the arguments are unchanged (a captured variable or Python global changed)"]
        warnings.warn(
            f"sf.function {self._name!r} has been traced {self._tracing_count} times; each "
            f"trace compiles anew. In this call {'; '.join(changes)}. Pass tensors instead of "
            "Python values, give an input_signature, or use reduce_retracing=True.",
            RetracingWarning,
            stacklevel=4,
        )

    def _describe(self, args, kwargs) -> dict:
        try:
            bound = self._py_signature.bind(*args, **kwargs).arguments
        except (AttributeError, TypeError):
            bound = {f"#{i}": a for i, a in enumerate(args)} | kwargs
        return {name: describe(value) for name, value in bound.items()}

    # -- input_signature ----------------------------------------------------
    def _trace_signature(self) -> ConcreteFunction:
        with self._lock:
            if self._signature_cf is None:
                specs = nest.flatten(self._input_signature)
                self._signature_cf = self._trace(tuple(self._input_signature), {}, specs)
            return self._signature_cf

    def _signature_arguments(self, args, kwargs):
        signature = self._input_signature
        values = list(args)
        if kwargs:
            names = list(self._py_signature.parameters) if self._py_signature else []
            for name in names[len(values):len(signature)]:
                if name in kwargs:
                    values.append(kwargs.pop(name))
            if kwargs:
                raise TypeError(f"{self._name}: unexpected arguments {sorted(kwargs)} "
                                "(the input_signature fixes the arguments)")
        if len(values) != len(signature):
            raise TypeError(f"{self._name} takes {len(signature)} arguments (its input_signature), "
                            f"got {len(values)}")
        tensors = []
        for i, (value, spec) in enumerate(zip(values, signature)):
            try:
                pairs = _match_signature(spec, value)
            except (TypeError, ValueError, KeyError):
                raise TypeError(f"{self._name}: argument {i} has structure "
                                f"{nest.structure_text(value)}, the input_signature says "
                                f"{nest.structure_text(spec)}") from None
            for leaf, s in pairs:
                try:
                    t = convert_to_tensor(leaf, dtype=s.dtype)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"{self._name}: argument {i} does not match {s}: {e}") from None
                if not s.shape.is_compatible_with(t.shape):
                    raise ValueError(f"{self._name}: argument {i} has shape {t.shape}, which is not "
                                     f"compatible with the input_signature's {s}")
                if t.__class__ is not EagerTensor:
                    raise TypeError(f"{self._name}: argument {i} must be an eager tensor, got {t!r}")
                tensors.append(t)
        return tensors, []


def function(func=None, input_signature=None, reduce_retracing=False, jit_compile=None,
             autograph=True, experimental_relax_shapes=None, name=None):
    """Stages `func` (a function, method or callable object): see `Function`.

        >>> @sf.function(input_signature=[sf.TensorSpec([None, 3], sf.float32)])
        ... def g(x):
        ...     return sf.reduce_sum(x * 2.0, axis=1)

    `reduce_retracing=True` traces shape-general functions after a shape
    change; `autograph=False` keeps Python control flow as is; `jit_compile`
    is accepted for TensorFlow compatibility (staged code is always compiled).
    """
    if experimental_relax_shapes is not None:
        reduce_retracing = experimental_relax_shapes

    def decorate(f):
        return Function(f, input_signature, reduce_retracing, jit_compile, autograph, name)

    return decorate if func is None else decorate(func)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _normalize_signature(signature):
    if not isinstance(signature, (list, tuple)):
        raise TypeError("input_signature must be a list of TensorSpecs (possibly nested)")
    for s in nest.flatten(list(signature)):
        if not isinstance(s, TensorSpec):
            raise TypeError(f"input_signature may hold only TensorSpecs, got {s!r}")
        if s.shape.rank is None:
            raise ValueError(f"{s}: staged functions need a known rank")
    return list(signature)


def _match_signature(spec, value) -> list:
    """(value leaf, TensorSpec) pairs: `value` follows `spec`'s nesting down to
    its TensorSpecs (where any tensor-convertible value may stand)."""
    if isinstance(spec, TensorSpec):
        return [(value, spec)]
    if isinstance(spec, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(spec):
            raise ValueError("dict keys differ")
        return [p for k in sorted(spec) for p in _match_signature(spec[k], value[k])]
    if not isinstance(value, (list, tuple)) or len(value) != len(spec):
        raise ValueError("sequence lengths differ")
    return [p for s, v in zip(spec, value) for p in _match_signature(s, v)]


def _rank_key(key: tuple) -> tuple:
    """The trace key with tensor shapes replaced by their ranks."""
    return tuple((k[0], len(k[1])) if k.__class__ is tuple and len(k) == 2
                 and isinstance(k[0], np.dtype) else k for k in key)


def _substitute(args, kwargs, placeholders):
    """Arguments with tensor leaves replaced by placeholders (in `encode` order)."""
    variables = []

    def sub(x):
        if isinstance(x, (EagerTensor, np.ndarray, TensorSpec)) or (
                isinstance(x, np.generic) and x.dtype.kind in "biuf"):
            return next(placeholders)
        if isinstance(x, Variable):
            variables.append(x)
            return x
        if isinstance(x, (list, tuple)):
            items = [sub(c) for c in x]
            return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
        if isinstance(x, dict):
            new = {k: sub(x[k]) for k in sorted(x)}
            return type(x)((k, new[k]) for k in x)
        return x

    sym_args = tuple(sub(a) for a in args)
    sym_kwargs = {k: sub(kwargs[k]) for k in sorted(kwargs)}
    return sym_args, sym_kwargs, variables


def _check_output(name: str, leaf) -> None:
    from strataflow.staging.autograph.operators import Undefined

    if isinstance(leaf, Undefined):
        leaf.fail()
    if isinstance(leaf, SymbolicTensor) or leaf is None or isinstance(leaf, (EagerTensor, int, float, str, bool)):
        return
    if isinstance(leaf, Tensor):
        raise TypeError(f"sf.function {name!r} returned a tensor of another function: {leaf!r}")


def _variable_guards(fn) -> list:
    """(cell or globals-lookup, variable) for the variables the function's code
    names directly: if one is rebound to another variable, retrace."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    guards = []
    for cell in fn.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, Variable):
            guards.append((cell, None, value))
    for name in code.co_names:
        value = fn.__globals__.get(name)
        if isinstance(value, Variable):
            guards.append((fn.__globals__, name, value))
    return guards


def _guards_hold(guards) -> bool:
    for holder, name, value in guards:
        current = holder.get(name) if name is not None else holder.cell_contents
        if current is not value:
            return False
    return True


__all__ = ["CompilerFallbackWarning", "ConcreteFunction", "Function", "RetracingWarning", "function"]
