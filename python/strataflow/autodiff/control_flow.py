"""Gradients through staged `sf.if` and `sf.while` (`staging.control_flow`
calls `recorded_if` / `recorded_while` when a tape is active).

A staged branch or loop body is traced into a nested region, so the ops in
it cannot be entries of the outer tapes. Each `sf.if` / `sf.while` is
instead recorded as ONE entry whose inputs are the outer tensors and
variables the regions use (found by tracing them under a recorder):

* `sf.if`: the gradient is another `sf.if` on the same predicate whose
  branches re-trace the forward branch under a tape and differentiate it
  (the branch is recomputed in the backward pass rather than stored).
* `sf.while`: the forward loop additionally carries a counter and a stack
  of every iteration's incoming state (TF's while gradient stacks the
  values it needs the same way). The gradient is a backward `sf.while`
  from the last iteration to the first: it re-traces the body on the stacked
  state under a tape, pulls the cotangents of the state through it and
  accumulates those of the outer tensors and variables.

Both gradients are built with `stage_if`/`stage_while` and tapes, so they
are staged into the same function and, under an outer tape, differentiable
again.
"""
from __future__ import annotations

from strataflow.framework import context as _context
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import Tensor, convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape
from strataflow.framework.variables import Variable, VariableHandle


class _RegionRecorder:
    """Records which values from outside a region the region's ops use."""

    def __init__(self, tapes):
        # inside an enclosing region every outside value may matter to it
        self.nested = any(isinstance(t, _RegionRecorder) for t in tapes)
        self.tapes = [t for t in tapes if hasattr(t, "_tracked")]
        self.produced: set[int] = set()
        self.external: dict[int, object] = {}

    def record(self, op, inputs, attrs, outputs):
        for x in inputs:
            if id(x) not in self.produced and self._differentiable(x):
                self.external.setdefault(id(x), x)
        outs = outputs if outputs.__class__ is tuple else (outputs,)
        self.produced.update(id(o) for o in outs)

    def _differentiable(self, x) -> bool:
        if x.__class__ is VariableHandle:
            return self.nested or x.variable.trainable or any(id(x) in t._tracked for t in self.tapes)
        return x.dtype.is_floating and (self.nested or any(id(x) in t._tracked for t in self.tapes))

    def local(self, values) -> None:
        """Marks region arguments (block arguments) as not external."""
        from strataflow.staging import nest

        self.produced.update(id(x) for x in nest.flatten(list(values)))

    def traced(self, fn):
        """`fn` run with only this recorder active (inner tapes may still push)."""
        def run(*args):
            with _context.only_tapes([self]):
                return fn(*args)
        return run


class _RegionOp:
    """The tape entry's op for one staged region op."""

    __slots__ = ("name", "grad")

    def __init__(self, name, grad):
        self.name, self.grad = name, grad


def _sources(external: list) -> list:
    """Tape sources for external values: tensors, and variables for handles."""
    return [x.variable if x.__class__ is VariableHandle else x for x in external]


def _floating(x) -> bool:
    return isinstance(x, Tensor) and x.dtype.is_floating


def _read(x):
    return x.read_value() if isinstance(x, Variable) else x


def _record(tapes, name, grad, inputs, outputs) -> None:
    if not outputs or not inputs:
        return
    op = _RegionOp(name, grad)
    for tape in tapes:
        tape.record(op, inputs, {}, tuple(outputs))


# ---------------------------------------------------------------------------
# sf.if
# ---------------------------------------------------------------------------

def recorded_if(stage, pred, true_fn, false_fn, state=(), **kw):
    """`stage_if(pred, true_fn, false_fn, state, **kw)`, recorded as one
    differentiable entry on the active tapes."""
    from strataflow.staging import nest

    tapes = _context.active_tapes()
    rec = _RegionRecorder(tapes)
    branch_outputs: list = []

    def traced(fn):
        def run(*s):
            out = rec.traced(fn)(*s)
            branch_outputs.extend(nest.flatten(out))
            return out
        return run

    out = stage(pred, traced(true_fn), traced(false_fn), state, **kw)
    own = {id(x) for x in branch_outputs}
    leaves = nest.flatten(out)
    positions = [k for k, leaf in enumerate(leaves) if _floating(leaf) and id(leaf) not in own]
    external = list(rec.external.values())
    if not positions or not external:
        return out
    sources = _sources(external)

    def grad(ctx, *dys):
        def branch(fn):
            def run():
                from strataflow.autodiff.tape import GradientTape, UnconnectedGradients

                with GradientTape(watch_accessed_variables=False) as tape:
                    tape.watch(sources)
                    again = [_read(x) for x in nest.flatten(fn(*state))]
                ys, cts = [], []
                for k, dy in zip(positions, dys):
                    if k < len(again) and _floating(again[k]):
                        ys.append(again[k])
                        cts.append(dy)
                return tape.gradient(ys, sources, output_gradients=cts,
                                     unconnected_gradients=UnconnectedGradients.ZERO)
            return run
        from strataflow.staging.control_flow import stage_if

        return list(stage_if(pred, branch(true_fn), branch(false_fn)))

    _record(tapes, "if", grad, external, [leaves[k] for k in positions])
    return out


# ---------------------------------------------------------------------------
# sf.while
# ---------------------------------------------------------------------------

_RESTRUCTURED = (
    "cannot differentiate a staged loop whose loop variables change structure, e.g. a "
    "TensorArray first written inside the loop: give it `size` and `element_shape`")


def recorded_while(stage, cond_fn, body_fn, state, names, where=None, shape_invariants=(),
                   maximum_iterations=None, placeholder_names=()):
    """`stage_while(...)` recorded as one differentiable entry: the loop also
    stacks each iteration's incoming state for the backward loop."""
    from strataflow.ops import array_ops, math_ops
    from strataflow.staging import nest

    tapes = _context.active_tapes()
    rec = _RegionRecorder(tapes)
    state = list(state)
    n_state = len(state)
    # Python floats are carried as float32 tensors anyway; make them tensors
    # now so that the stacked history covers them.
    originals = nest.flatten(state)
    leaves = [_read(x) for x in originals]
    leaves = [convert_to_tensor(x) if isinstance(x, float) else x for x in leaves]
    state = nest.pack_sequence_as(state, leaves)
    carried = [k for k, x in enumerate(leaves) if isinstance(x, Tensor)]
    invariants = {id(v): s for v, s in shape_invariants}
    # the invariants of leaves replaced above now key their replacements
    shape_invariants = [(leaves[k], invariants[id(o)]) if id(o) in invariants and leaves[k] is not o
                        else (o, invariants[id(o)]) for k, o in enumerate(originals) if id(o) in invariants]
    with _context.only_tapes([]):
        counter = convert_to_tensor(0)
        history = [array_ops.expand_dims(leaves[k], 0)[:0] for k in carried]
    hist_invariants = []
    for k, h in zip(carried, history):
        shape = invariants.get(id(originals[k])) or leaves[k].shape
        shape = TensorShape(shape)
        if shape.rank is None:
            raise InvalidArgumentError("differentiating a staged loop needs loop variables of known rank")
        hist_invariants.append((h, TensorShape([None] + list(shape.dims))))

    def split(s):
        return list(s[:n_state]), s[n_state], list(s[n_state + 1:])

    def aug_cond(*s):
        rec.local(s)
        user, _, _ = split(s)
        return rec.traced(cond_fn)(*user)

    def aug_body(*s):
        rec.local(s)
        user, n, hist = split(s)
        now = [_read(x) for x in nest.flatten(user)]
        if len(now) != len(leaves):
            raise InvalidArgumentError(_RESTRUCTURED)
        with _context.only_tapes([]):
            hist = [array_ops.concat([h, array_ops.expand_dims(now[k], 0)], 0)
                    for h, k in zip(hist, carried)]
            n = math_ops.add(n, 1)
        out = rec.traced(body_fn)(*user)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        return out + [n] + hist

    out = stage(aug_cond, aug_body, state + [counter] + history,
                      list(names) + ["<iterations>"] + [f"<history {k}>" for k in carried],
                      where, list(shape_invariants) + hist_invariants, maximum_iterations,
                      placeholder_names)
    user_out, trips, history = split(out)
    final = [_read(x) for x in nest.flatten(user_out)]
    if len(final) != len(leaves):
        raise InvalidArgumentError(_RESTRUCTURED)
    floats = [j for j, k in enumerate(carried) if _floating(leaves[k])]
    outputs = [final[carried[j]] for j in floats]
    external = list(rec.external.values())
    inputs = [leaves[carried[j]] for j in floats] + external
    if not floats:
        return user_out

    def grad(ctx, *dys):
        return _while_grad(body_fn, state, leaves, carried, floats, external, trips, history, dys)

    _record(tapes, "while", grad, inputs, outputs)
    return user_out


def _while_grad(body_fn, state, leaves, carried, floats, external, trips, history, dys):
    """Backward loop: iteration i = trips-1 .. 0 pulls the state cotangents
    through the body re-traced on the stacked state of iteration i."""
    from strataflow.autodiff.tape import GradientTape, UnconnectedGradients
    from strataflow.ops import array_ops, math_ops
    from strataflow.staging import control_flow, nest

    sources = _sources(external)
    n_f = len(floats)
    init_acc = [array_ops.zeros_like(_read(s)) for s in sources]

    def cond(i, *rest):
        return math_ops.greater_equal(i, 0)

    def body(i, *rest):
        cts, acc = list(rest[:n_f]), list(rest[n_f:])
        now = list(leaves)
        for k, h in zip(carried, history):
            now[k] = array_ops.gather(h, i, axis=0)
        xs = [now[carried[j]] for j in floats]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(xs + sources)
            out = body_fn(*nest.pack_sequence_as(list(state), now))
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            new = [_read(x) for x in nest.flatten(out)]
        ys = [new[carried[j]] for j in floats]
        grads = tape.gradient(ys, xs + sources, output_gradients=cts,
                              unconnected_gradients=UnconnectedGradients.ZERO)
        return [math_ops.subtract(i, 1)] + list(grads[:n_f]) + \
            [math_ops.add(a, g) for a, g in zip(acc, grads[n_f:])]

    start = math_ops.subtract(trips, 1)
    names = ["<i>"] + [f"<cotangent {j}>" for j in range(n_f)] + [f"<accumulated {j}>" for j in range(len(sources))]
    out = control_flow.stage_while(cond, body, [start] + list(dys) + init_acc, names)
    return list(out[1:])
