"""`sf.GradientTape`: reverse-mode differentiation of the ops applied inside it.

    >>> x = sf.constant(3.0)
    >>> with sf.GradientTape() as outer:
    ...     outer.watch(x)
    ...     with sf.GradientTape() as inner:
    ...         inner.watch(x)
    ...         y = x * x
    ...     dy = inner.gradient(y, x)      # 6.0, recorded by `outer`
    >>> outer.gradient(dy, x)
    <sf.Tensor: shape=(), dtype=float32, numpy=2.0>

`ops.registry.apply` calls `record(op, inputs, attrs, outputs)` on every
active tape. A tape keeps an application when one of its inputs is *tracked*
(a watched tensor or variable handle, or an output of a kept application);
its floating outputs become tracked in turn. `gradient` walks the kept
applications backwards calling each op's `grad` rule. The rules are written
with ops, so the backward pass is itself recorded by outer tapes (higher
order) and staged when a graph is active (gradients inside `sf.function`).

Tensors are identified by `id`; a tape holds a reference to every tensor it
tracks, so ids stay unique while it lives.
"""
from __future__ import annotations

import contextlib
import enum

from strataflow.framework import context as _context
from strataflow.framework.tensor import Tensor, convert_to_tensor
from strataflow.framework.variables import READ_VARIABLE, Variable, VariableHandle


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class Entry:
    """One kept application: an op (anything with `.grad(ctx, *dys)` and
    `.name`), its inputs, attrs and outputs (a tuple)."""

    __slots__ = ("op", "inputs", "attrs", "outputs")

    def __init__(self, op, inputs, attrs, outputs):
        self.op, self.inputs, self.attrs, self.outputs = op, tuple(inputs), attrs, outputs


def _differentiable(x) -> bool:
    dt = getattr(x, "dtype", None)
    return dt is not None and dt.is_floating


def _key(x):
    """The tracking key of a tensor, variable or handle."""
    if isinstance(x, Variable):
        return id(x.handle)
    return id(x)


class GradientTape:
    """Records operations for automatic differentiation (as `tf.GradientTape`).

        >>> w = sf.Variable([[1.0], [2.0]])
        >>> x = sf.constant([[3.0, 4.0]])
        >>> with sf.GradientTape() as tape:
        ...     loss = sf.reduce_sum(x @ w)
        >>> tape.gradient(loss, w).numpy()
        array([[3.],
               [4.]], dtype=float32)

    `persistent=True` allows several `gradient`/`jacobian` calls.
    `watch_accessed_variables=False` records only what is `watch`ed.
    Integer and boolean tensors are never watched (they have no gradient).
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._used = False
        self._recording = False
        self.reset()

    # -- context --------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        if self._recording:
            raise ValueError("this GradientTape is already recording (nested `with` on one tape)")
        _context.push_tape(self)
        self._recording = True
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            _context.pop_tape(self)
            self._recording = False

    def stop_recording(self):
        """A context in which this tape records nothing (other tapes still do).

            >>> with tape.stop_recording():       # doctest: +SKIP
            ...     metric = loss * 1             # not differentiated
        """
        if not self._recording:
            raise RuntimeError("stop_recording on a GradientTape that is not recording")
        return _context.suspend_tape(self)

    def reset(self) -> None:
        """Forgets everything recorded and watched (like a fresh tape)."""
        self._entries: list[Entry] = []
        self._tracked: dict[int, object] = {}   # key -> tensor/handle (kept alive)
        self._variables: dict[int, Variable] = {}

    # -- watching ---------------------------------------------------------------
    def watch(self, tensor) -> None:
        """Tracks `tensor` (a tensor, a variable, or a nested structure of them)."""
        for x in _flatten(tensor):
            if isinstance(x, Variable):
                self._watch_variable(x)
            elif isinstance(x, Tensor):
                if _differentiable(x):
                    self._tracked[id(x)] = x
            else:
                raise ValueError(f"GradientTape.watch: expected tensors or variables, got {type(x).__name__}")

    def _watch_variable(self, v: Variable) -> None:
        if id(v.handle) not in self._tracked and _differentiable(v):
            self._tracked[id(v.handle)] = v.handle
            self._variables[id(v.handle)] = v

    def watched_variables(self) -> tuple:
        """The variables watched so far (explicitly or by being read), in order."""
        return tuple(self._variables.values())

    # -- recording (called by ops.registry.apply) -------------------------------
    def record(self, op, inputs, attrs, outputs) -> None:
        if op.grad is None:  # not differentiable (comparisons, stop_gradient, assign, ...)
            return
        tracked = self._tracked
        if self._watch_accessed and op is READ_VARIABLE:
            h = inputs[0]
            if h.variable.trainable:
                self._watch_variable(h.variable)
        for x in inputs:
            if id(x) in tracked:
                break
            if x.__class__ is VariableHandle and self._watch_accessed and x.variable.trainable:
                self._watch_variable(x.variable)  # e.g. a staged branch that reads a variable
                break
        else:
            return
        outs = outputs if outputs.__class__ is tuple else (outputs,)
        for o in outs:
            if _differentiable(o):
                tracked[id(o)] = o
        self._entries.append(Entry(op, inputs, attrs, outputs))

    # -- gradients --------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """d(sum of `target`)/d`sources`, in the structure of `sources`.

            >>> x = sf.constant(3.0)
            >>> with sf.GradientTape() as t:
            ...     t.watch(x)
            ...     y = x * x
            >>> t.gradient(y, x)
            <sf.Tensor: shape=(), dtype=float32, numpy=6.0>

        `target`: a tensor or nested structure (the gradients of all targets
        are summed); `output_gradients`: the cotangent of each target
        (default ones). Unconnected sources give None, or zeros with
        ``unconnected_gradients=UnconnectedGradients.ZERO``.
        """
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians); use GradientTape(persistent=True)")
        unconnected = UnconnectedGradients(unconnected_gradients)
        targets = _flatten(target)
        cotangents = None if output_gradients is None else _flatten(output_gradients)
        if cotangents is not None and len(cotangents) != len(targets):
            raise ValueError(f"output_gradients has {len(cotangents)} tensors for "
                             f"{len(targets)} targets")
        flat_sources = _flatten(sources)
        for s in flat_sources:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"gradient sources must be tensors or variables, got {type(s).__name__}")
        self._used = True
        grads = self._backward(targets, cotangents, flat_sources, unconnected)
        return _pack(sources, grads)

    def _backward(self, targets, cotangents, sources, unconnected):
        """The gradients of `sources`, with this tape not recording (TF records
        the backward pass only on persistent tapes; the outer tapes always)."""
        from strataflow.autodiff.backprop import backward

        with (_context.suspend_tape(self) if self._recording and not self._persistent
              else contextlib.nullcontext()):
            return backward(self._entries, targets, cotangents, sources, unconnected)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """The full Jacobian: for each source, a tensor of shape
        ``target.shape + source.shape`` (see `autodiff.jacobian`)."""
        from strataflow.autodiff.jacobian import jacobian

        return jacobian(self, target, sources, UnconnectedGradients(unconnected_gradients))

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: target ``[b, ...]`` and source ``[b, ...]``
        give ``[b, *target.shape[1:], *source.shape[1:]]``; rows of the batch
        must be independent."""
        from strataflow.autodiff.jacobian import batch_jacobian

        return batch_jacobian(self, target, source, UnconnectedGradients(unconnected_gradients))


# ---------------------------------------------------------------------------
# nested targets/sources: lists, tuples and dicts (sorted keys) of leaves
# ---------------------------------------------------------------------------

def _flatten(x) -> list:
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _flatten(item)]
    return [x]


def _pack(template, leaves: list):
    it = iter(leaves)

    def build(t):
        if isinstance(t, dict):
            return {k: build(t[k]) for k in sorted(t)}
        if isinstance(t, (list, tuple)):
            items = [build(i) for i in t]
            return type(t)(*items) if hasattr(t, "_fields") else type(t)(items)
        return next(it)
    return build(template)


def as_tensor(x) -> Tensor:
    """A tensor from a target/cotangent (variables are read)."""
    return x.read_value() if isinstance(x, Variable) else convert_to_tensor(x)
