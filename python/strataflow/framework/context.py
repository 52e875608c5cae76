"""Per-thread execution state: the graph being built (if any) and active tapes.

`ops.registry.apply` reads this on every op. Thread-local reads are slow
(~1 us on a busy machine), so the common case -- no graph and no tape in
any thread -- is one read of the module global `busy` (a count of pushed
graphs and tapes, all threads together).

    >>> executing_eagerly()
    True
    >>> with stop_recording():       # tapes see nothing in here
    ...     y = x * 2                 # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import threading


class _State(threading.local):
    # Class attributes are the per-thread defaults (threading.local re-runs
    # __init__ in each thread, so initialise there).
    def __init__(self):
        self.graphs: list = []       # stack of graphs being built; top = current
        self.graph = None            # == graphs[-1] or None (hot-path copy)
        self.tape_stack: list = []   # tapes pushed, innermost last
        self.paused = 0              # depth of stop_recording()
        self.tapes: tuple = ()       # tapes that record now (hot-path copy)


_state = _State()
busy = 0  # graphs + tapes pushed in all threads; 0 => eager, nothing records
_busy_lock = threading.Lock()


def _count(delta: int) -> None:
    global busy
    with _busy_lock:
        busy += delta


def current_graph():
    """The graph ops are being staged into, or None when executing eagerly."""
    return _state.graph


def executing_eagerly() -> bool:
    return _state.graph is None


def push_graph(graph) -> None:
    """Makes `graph` current: ops call `graph.emit_op(...)` until popped."""
    _state.graphs.append(graph)
    _state.graph = graph
    _count(1)


def pop_graph():
    """Removes and returns the current graph."""
    g = _state.graphs.pop()
    _state.graph = _state.graphs[-1] if _state.graphs else None
    _count(-1)
    return g


@contextlib.contextmanager
def graph_scope(graph):
    """`with graph_scope(g):` stages ops into `g` within the block."""
    push_graph(graph)
    try:
        yield graph
    finally:
        pop_graph()


@contextlib.contextmanager
def eager_scope():
    """Runs ops eagerly inside the block even while a graph is being built."""
    saved_graphs, saved = _state.graphs, _state.graph
    _state.graphs, _state.graph = [], None
    try:
        yield
    finally:
        _state.graphs, _state.graph = saved_graphs, saved


def _refresh_tapes() -> None:
    _state.tapes = () if _state.paused else tuple(_state.tape_stack)


def push_tape(tape) -> None:
    """Activates `tape`: every op applied from now on calls `tape.record(...)`."""
    _state.tape_stack.append(tape)
    _refresh_tapes()
    _count(1)


def pop_tape(tape=None):
    """Deactivates the innermost tape (or `tape`, wherever it is in the stack)."""
    if tape is None:
        tape = _state.tape_stack.pop()
    else:
        _state.tape_stack.remove(tape)
    _refresh_tapes()
    _count(-1)
    return tape


def active_tapes() -> tuple:
    """The tapes that record now (empty inside `stop_recording`)."""
    return _state.tapes


@contextlib.contextmanager
def stop_recording():
    """Ops in the block are not recorded by any tape."""
    _state.paused += 1
    _refresh_tapes()
    try:
        yield
    finally:
        _state.paused -= 1
        _refresh_tapes()


@contextlib.contextmanager
def suspend_tape(tape):
    """`tape` records nothing in the block; other tapes go on (TF's
    `GradientTape.stop_recording`). Restores its place in the stack."""
    stack = _state.tape_stack
    index = stack.index(tape)
    del stack[index]
    _refresh_tapes()
    try:
        yield
    finally:
        stack.insert(index, tape)
        _refresh_tapes()


@contextlib.contextmanager
def only_tapes(tapes):
    """Exactly `tapes` record in the block (the others are set aside), e.g. to
    see the ops of a function traced as one differentiable unit."""
    saved, saved_paused = _state.tape_stack, _state.paused
    _state.tape_stack, _state.paused = list(tapes), 0
    _refresh_tapes()
    try:
        yield
    finally:
        _state.tape_stack, _state.paused = saved, saved_paused
        _refresh_tapes()


# ---------------------------------------------------------------------------
# name scopes (informational: they prefix variable names, as in TF)
# ---------------------------------------------------------------------------

_scopes = threading.local()


@contextlib.contextmanager
def name_scope(name: str):
    """`with name_scope("dense"):` prefixes names created inside with "dense/"."""
    stack = _scopes.__dict__.setdefault("stack", [])
    stack.append(name)
    try:
        yield scope_prefix()
    finally:
        stack.pop()


def scope_prefix() -> str:
    """The current name scope as a prefix ("outer/inner/"), or ""."""
    stack = _scopes.__dict__.get("stack", [])
    return "".join(f"{n}/" for n in stack)
