"""`sf.cond`, `sf.while_loop`, `sf.case`, `sf.switch_case`, `sf.range`: eager
and staged (as `sf.if` / `sf.while`).

Eagerly they are plain Python. Inside a trace, `stage_if` / `stage_while`
build the region ops; AutoGraph's operators use the same two functions, with
`names` (the Python variables that make up the state) for error messages.

    >>> x = sf.constant(-2.0)
    >>> sf.cond(x > 0, lambda: x, lambda: -x)
    <sf.Tensor: shape=(), dtype=float32, numpy=2.0>
    >>> sf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0.0])
    [10, 45.0]

Staging rules (TensorFlow's): a branch/loop value that is a tensor on
either side is carried as a tensor (Python numbers are converted); its dtype
must not change, and its shape may change only where declared
(`shape_invariants`), else the error names the variable and the source line.
Other Python values must be the same object on both sides.
"""
from __future__ import annotations

import builtins

import numpy as np
from mlir import ir

from strataflow.framework import context as _context
from strataflow.framework import dtypes
from strataflow.framework.errors import user_location
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec, as_shape
from strataflow.framework.variables import Variable
from strataflow.staging import nest
from strataflow.staging.graph import FuncGraph, SymbolicTensor

_NUMBERS = (builtins.bool, int, float, np.number, np.bool_)


def is_staged(x) -> bool:
    """True for a tensor while a function is being traced (TF2's rule for
    `if`/`while`: a tensor condition is staged, a Python one is not)."""
    return isinstance(x, Tensor) and _context._state.graph is not None


def _read(x):
    return x.read_value() if isinstance(x, Variable) else x


# ---------------------------------------------------------------------------
# state: the values a branch or loop passes on, with names for messages
# ---------------------------------------------------------------------------

def _undefined_type():
    from strataflow.staging.autograph.operators import Undefined

    return Undefined


def _leaf_names(state, names) -> list[str]:
    """One name per leaf of `state` (`x`, `x[0]`, `x['k']`...)."""
    out = []
    for value, name in zip(state, names):
        leaves = nest.flatten(value)
        if len(leaves) == 1 and not nest.is_nested(value):
            out.append(name)
        else:
            out.extend(f"{name}[{i}]" for i in builtins.range(len(leaves)))
    return out


def _spec(t: Tensor) -> TensorSpec:
    return TensorSpec(t.shape, t.dtype)


def _bool_scalar(pred, where: str) -> Tensor:
    pred = convert_to_tensor(_read(pred))
    if not pred.dtype.is_bool:
        raise TypeError(f"the condition at {where} must be a bool tensor, got {pred.dtype.name}")
    if pred.shape.rank != 0:
        if pred.shape.num_elements() == 1:
            from strataflow.ops.array_ops import reshape

            return reshape(pred, [])
        raise ValueError(f"the condition at {where} must be a scalar, got shape {pred.shape}")
    return pred


def _emit(graph: FuncGraph, block: ir.Block, name: str, operands) -> None:
    with graph.ctx, graph.location(), ir.InsertionPoint(block):
        ir.Operation.create(name, operands=list(operands))


def _in_block(graph: FuncGraph, block: ir.Block, fn, *args):
    graph.push_insertion_point(ir.InsertionPoint(block))
    try:
        return fn(*args)
    finally:
        graph.pop_insertion_point()


def _cast_to(graph: FuncGraph, block: ir.Block, t: Tensor, target: ir.Type) -> ir.Value:
    """`t`'s value in `block`, cast (tensor.cast) to the more general `target`."""
    value = graph.capture(t)
    if value.type == target:
        return value
    with graph.ctx, graph.location(), ir.InsertionPoint(block):
        return ir.Operation.create("tensor.cast", results=[target], operands=[value]).result


def _zeros(spec: TensorSpec, name: str, where: str) -> Tensor:
    if not spec.shape.is_fully_defined():
        raise ValueError(f"{name!r} at {where}: a placeholder for a value returned in only some "
                         f"cases needs a static shape, got {spec.shape}")
    return EagerTensor(np.zeros(spec.shape.dims, spec.dtype._np))


# ---------------------------------------------------------------------------
# sf.if
# ---------------------------------------------------------------------------

def stage_if(pred, true_fn, false_fn, state=(), names=(), where=None, placeholder_names=()):
    """Stages `true_fn(*state)` / `false_fn(*state)` as one `sf.if`; returns
    the merged outputs (same structure as the branches')."""
    if _context._state.tapes:  # differentiable: one tape entry (see strataflow.autodiff)
        from strataflow.autodiff.control_flow import recorded_if

        return recorded_if(_stage_if, pred, true_fn, false_fn, state, names=names,
                           where=where or user_location(), placeholder_names=placeholder_names)
    return _stage_if(pred, true_fn, false_fn, state, names, where, placeholder_names)


def _stage_if(pred, true_fn, false_fn, state=(), names=(), where=None, placeholder_names=()):
    graph = _context.current_graph()
    where = where or user_location()
    pred = _bool_scalar(pred, where)
    with graph.ctx, graph.location(), graph.insertion_point():
        tmp = ir.Operation.create("sf.if", results=[], operands=[graph.capture(pred)], regions=2)
    then_block = tmp.regions[0].blocks.append()
    else_block = tmp.regions[1].blocks.append()
    out_t = _in_block(graph, then_block, true_fn, *state)
    out_f = _in_block(graph, else_block, false_fn, *state)
    if not nest.same_structure(out_t, out_f):  # e.g. a TensorArray written in one branch only
        out_t = _materialize(out_t, out_f) or out_t
        out_f = _materialize(out_f, out_t) or out_f
    if not nest.same_structure(out_t, out_f):
        raise ValueError(f"the branches of the conditional at {where} return different structures: "
                         f"{nest.structure_text(out_t)} and {nest.structure_text(out_f)}")
    if names:
        leaf_names = _leaf_names(out_t, names)
    else:
        leaf_names = [f"output {i}" for i in builtins.range(len(nest.flatten(out_t)))]
    merged, yields_t, yields_f, types = [], [], [], []
    Undefined = _undefined_type()
    for name, a, b in zip(leaf_names, nest.flatten(out_t), nest.flatten(out_f)):
        if a is b:  # unchanged by both branches
            merged.append(a)
            continue
        a, b = _read(a), _read(b)
        undef_a, undef_b = isinstance(a, Undefined), isinstance(b, Undefined)
        if undef_a and undef_b:
            merged.append(a)
            continue
        if undef_a or undef_b:
            if name.split("[")[0] in placeholder_names:
                defined = b if undef_a else a
                zeros = _zeros(_spec(convert_to_tensor(defined)), name, where)
                a, b = (zeros, b) if undef_a else (a, zeros)
            else:
                branch = "false" if undef_a else "true"
                merged.append(Undefined(name, f"{name!r} is defined only in the {branch} branch of "
                                              f"the conditional at {where}; define it in both "
                                              "branches or before the `if`"))
                continue
        if not (isinstance(a, Tensor) or isinstance(b, Tensor)):
            if a is b or _same_python_value(a, b):
                merged.append(a)
                continue
            if not (isinstance(a, _NUMBERS) and isinstance(b, _NUMBERS)):
                raise ValueError(f"{name!r} has different Python values in the branches of the "
                                 f"conditional at {where} ({a!r} and {b!r}); only tensors can "
                                 "differ between staged branches")
        ta, tb = _pair_to_tensors(a, b, name, where)
        shape = ta.shape.most_specific_compatible_shape(tb.shape)
        if shape.rank is None:
            raise ValueError(f"{name!r} has shape {ta.shape} in the true branch and {tb.shape} in "
                             f"the false branch of the conditional at {where}; ranks must agree")
        target = graph.tensor_type(TensorSpec(shape, ta.dtype))
        yields_t.append(_cast_to(graph, then_block, ta, target))
        yields_f.append(_cast_to(graph, else_block, tb, target))
        types.append(target)
        merged.append(TensorSpec(shape, ta.dtype))
    _emit(graph, then_block, "sf.yield", yields_t)
    _emit(graph, else_block, "sf.yield", yields_f)
    with graph.ctx, graph.location(), ir.InsertionPoint(tmp):  # right before tmp
        op = ir.Operation.create("sf.if", results=types, operands=[graph.capture(pred)], regions=2)
        then_block.append_to(op.regions[0])
        else_block.append_to(op.regions[1])
        tmp.erase()
    results = iter(op.results)
    leaves = [graph.wrap(next(results), m) if isinstance(m, TensorSpec) else m for m in merged]
    return nest.pack_sequence_as(out_t, leaves)


def _same_python_value(a, b) -> bool:
    try:
        return builtins.bool(type(a) is type(b) and a == b)
    except Exception:  # noqa: BLE001 - e.g. arrays: ambiguous truth value
        return False


def _pair_to_tensors(a, b, name: str, where: str):
    """Both sides as tensors; a Python number adopts the other side's dtype."""
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        b = _number_as(b, a.dtype, name, where)
    elif isinstance(b, Tensor) and not isinstance(a, Tensor):
        a = _number_as(a, b.dtype, name, where)
    else:
        a, b = convert_to_tensor(a), convert_to_tensor(b)
    if a.dtype != b.dtype:
        raise TypeError(f"{name!r} has dtype {a.dtype.name} in the true branch and {b.dtype.name} "
                        f"in the false branch of the conditional at {where}; cast one of them")
    return a, b


def _number_as(x, dtype, name, where):
    try:
        return convert_to_tensor(x, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name!r} at {where} is a tensor of dtype {dtype.name} on one side "
                        f"and {x!r} on the other") from None


# ---------------------------------------------------------------------------
# sf.while
# ---------------------------------------------------------------------------

def stage_while(cond_fn, body_fn, state, names, where=None, shape_invariants=(),
                maximum_iterations=None, placeholder_names=()):
    """Stages `while cond_fn(*state): state = body_fn(*state)` as one `sf.while`.

    Leaves that are tensors or Python numbers are loop-carried (as tensors).
    Undefined leaves stay undefined after the loop, except names in
    `placeholder_names` (AutoGraph's return value), whose type a first trace
    of the body discovers. Other Python values must not change.
    """
    where = where or user_location()
    if _context._state.tapes:  # differentiable: one tape entry (see strataflow.autodiff)
        from strataflow.autodiff.control_flow import recorded_while

        if _unwritten_composites(state):  # the recorder needs the final structure up front
            with _context.only_tapes([]):
                state = _discover_state(cond_fn, body_fn, state, names, where, shape_invariants,
                                        placeholder_names)
        return recorded_while(_stage_while, cond_fn, body_fn, state, names, where,
                              shape_invariants, maximum_iterations, placeholder_names)
    return _stage_while(cond_fn, body_fn, state, names, where, shape_invariants,
                        maximum_iterations, placeholder_names)


def _unwritten_composites(structure) -> bool:
    if nest.is_composite(structure):
        return not structure._nest_components()
    if isinstance(structure, dict):
        structure = list(structure.values())
    return isinstance(structure, (list, tuple)) and any(_unwritten_composites(x) for x in structure)


def _discover_state(cond_fn, body_fn, state, names, where, shape_invariants, placeholder_names):
    """`state` with unwritten TensorArrays given their buffers by a trial
    trace of the loop (which leaves nothing in the IR)."""
    state = list(state)
    for _ in builtins.range(3):
        try:
            _stage_while_once(cond_fn, body_fn, state, names, where, shape_invariants, None,
                              placeholder_names, dry=True)
        except _Retry as retry:
            if retry.state is None:
                return state
            state = retry.state
    return state


def _stage_while(cond_fn, body_fn, state, names, where, shape_invariants, maximum_iterations,
                 placeholder_names):
    state = list(state)
    for _ in builtins.range(3):  # placeholders, then TensorArrays, may each need a retry
        try:
            return _stage_while_once(cond_fn, body_fn, state, names, where, shape_invariants,
                                     maximum_iterations, placeholder_names)
        except _Retry as retry:  # a placeholder's type is now known: carry it
            state = retry.state
    raise AssertionError("unreachable")


class _Retry(Exception):
    def __init__(self, state):
        self.state = state


def _stage_while_once(cond_fn, body_fn, state, names, where, shape_invariants,
                      maximum_iterations, placeholder_names, dry=False):
    graph = _context.current_graph()
    Undefined = _undefined_type()
    leaf_names = _leaf_names(state, names)
    originals = nest.flatten(list(state))
    leaves = [_read(x) for x in originals]
    invariants = {id(v): as_shape(s) for v, s in shape_invariants}
    declared = nest.flatten_invariants(list(state))  # e.g. a dynamic TensorArray's buffer
    carried: list[int] = []         # leaf indices carried through the loop
    specs: list[TensorSpec] = []
    for i, (name, leaf) in enumerate(zip(leaf_names, leaves)):
        if isinstance(leaf, Undefined):
            continue
        if isinstance(leaf, _NUMBERS) and not isinstance(leaf, Tensor):
            leaves[i] = leaf = convert_to_tensor(leaf)
        if isinstance(leaf, Tensor):
            shape = invariants.get(id(originals[i])) or declared[i] or leaf.shape
            if not shape.is_compatible_with(leaf.shape) or shape.rank != leaf.shape.rank:
                raise ValueError(f"the shape invariant {shape} of {name!r} does not match its "
                                 f"initial shape {leaf.shape} (loop at {where})")
            carried.append(i)
            specs.append(TensorSpec(shape, leaf.dtype))
    counter = maximum_iterations is not None
    if counter:
        from strataflow.ops import math_ops

        limit = convert_to_tensor(maximum_iterations, dtype=dtypes.int32)
    types = [graph.tensor_type(s) for s in specs]
    if counter:
        types.append(graph.tensor_type(TensorSpec([], dtypes.int32)))
    init = [_cast_value(graph, leaves[i], t) for i, t in zip(carried, types)]
    if counter:
        init.append(graph.capture(EagerTensor(np.array(0, np.int32))))
    with graph.ctx, graph.location(), graph.insertion_point():
        op = ir.Operation.create("sf.while", results=types, operands=init, regions=2)
        before = op.regions[0].blocks.append(*types)
        after = op.regions[1].blocks.append(*types)

    def state_in(block):
        args = list(block.arguments)
        new = list(leaves)
        for j, i in enumerate(carried):
            new[i] = graph.wrap(args[j], specs[j])
        return nest.pack_sequence_as(list(state), new), (graph.wrap(args[-1], TensorSpec([], dtypes.int32)) if counter else None)

    def cond_region():
        s, i = state_in(before)
        c = _bool_scalar(cond_fn(*s), where)
        if counter:
            c = math_ops.logical_and(math_ops.less(i, limit), c)
        return c

    c = _in_block(graph, before, cond_region)
    _emit(graph, before, "sf.condition", [graph.capture(c)] + list(before.arguments))

    def body_region():
        s, i = state_in(after)
        out = body_fn(*s)
        return out, (math_ops.add(i, 1) if counter else None)

    out, next_i = _in_block(graph, after, body_region)
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    materialized = _materialize(list(state), out)
    if materialized is not None:  # a TensorArray first written in the loop: carry its buffer
        op.erase()
        raise _Retry(materialized)
    if dry:  # a trial trace: the structure is final
        op.erase()
        raise _Retry(None)
    if not nest.same_structure(list(state), out):
        raise ValueError(f"the loop body at {where} changes the structure of the loop variables: "
                         f"{nest.structure_text(list(state))} -> {nest.structure_text(out)}")
    new_leaves = [_read(x) for x in nest.flatten(out)]
    retry = _placeholders_found(leaves, new_leaves, leaf_names, placeholder_names, where)
    if retry is not None:
        op.erase()
        raise _Retry(nest.pack_sequence_as(list(state), retry))
    yields = []
    for j, i in enumerate(carried):
        yields.append(_next_value(graph, after, new_leaves[i], specs[j], types[j], leaf_names[i], where))
    for i, (name, old, new) in enumerate(zip(leaf_names, leaves, new_leaves)):
        if i in carried or isinstance(old, Undefined):
            continue
        if new is not old and not _same_python_value(old, new):
            raise ValueError(f"{name!r} is a Python value ({old!r}) changed inside the staged loop at "
                             f"{where}; loop variables must be tensors (or numbers) defined before the "
                             "loop. Use sf.TensorArray to collect values in a loop.")
    if counter:
        yields.append(graph.capture(next_i))
    _emit(graph, after, "sf.yield", yields)
    results = list(op.results)
    final = list(leaves)
    for j, i in enumerate(carried):
        final[i] = graph.wrap(results[j], specs[j])
    for i, (name, leaf) in enumerate(zip(leaf_names, leaves)):
        if isinstance(leaf, Undefined):
            final[i] = Undefined(name, f"{name!r} is assigned only inside the staged loop at {where}; "
                                       "define it before the loop to use it after")
    return nest.pack_sequence_as(list(state), final)


def _materialize(a, b):
    """`a` with unwritten composites (no components yet) shaped like their
    counterparts in `b`; None when there is none."""
    changed = False

    def walk(x, y):
        nonlocal changed
        if nest.is_composite(x) and type(x) is type(y):
            if not x._nest_components() and y._nest_components():
                changed = True
                return x._nest_materialize_like(y)
            return x
        if isinstance(x, dict) and isinstance(y, dict) and sorted(x) == sorted(y):
            return type(x)((k, walk(x[k], y[k])) for k in x)
        if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)) and len(x) == len(y):
            items = [walk(p, q) for p, q in zip(x, y)]
            return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
        return x

    result = walk(a, b)
    return result if changed else None


def _placeholders_found(leaves, new_leaves, leaf_names, placeholder_names, where):
    Undefined = _undefined_type()
    found = False
    result = list(leaves)
    for i, (name, old, new) in enumerate(zip(leaf_names, leaves, new_leaves)):
        if isinstance(old, Undefined) and name.split("[")[0] in placeholder_names \
                and not isinstance(new, Undefined):
            result[i] = _zeros(_spec(convert_to_tensor(new)), name, where)
            found = True
    return result if found else None


def _cast_value(graph: FuncGraph, t: Tensor, target: ir.Type) -> ir.Value:
    value = graph.capture(t)
    if value.type == target:
        return value
    with graph.ctx, graph.location(), graph.insertion_point():
        return ir.Operation.create("tensor.cast", results=[target], operands=[value]).result


def _next_value(graph, block, new, spec: TensorSpec, target: ir.Type, name: str, where: str) -> ir.Value:
    Undefined = _undefined_type()
    if isinstance(new, Undefined):
        new.fail()
    if not isinstance(new, Tensor):
        new = _number_as(new, spec.dtype, name, where) if isinstance(new, _NUMBERS) else new
    if not isinstance(new, Tensor):
        raise TypeError(f"{name!r} is a tensor before the loop at {where} but becomes {new!r} in it")
    if new.dtype != spec.dtype:
        raise TypeError(f"{name!r} changes dtype from {spec.dtype.name} to {new.dtype.name} inside "
                        f"the loop at {where}; loop variables keep their dtype (cast it)")
    if not spec.shape.is_compatible_with(new.shape) or new.shape.rank != spec.shape.rank:
        raise ValueError(
            f"{name!r} changes shape from {spec.shape} to {new.shape} inside the loop at {where}; "
            f"declare the more general shape with sf.autograph.experimental.set_loop_options("
            f"shape_invariants=[({name}, sf.TensorShape({_general(spec.shape, new.shape)}))]) "
            "or the shape_invariants argument of sf.while_loop")
    return _cast_to(graph, block, new, target)


def _general(a: TensorShape, b: TensorShape) -> list:
    if a.rank != b.rank:
        return None
    return list(a.most_specific_compatible_shape(b).dims)


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------

def cond(pred, true_fn=None, false_fn=None, name=None):
    """`true_fn()` if `pred` else `false_fn()`; staged as `sf.if` inside a trace.

        >>> sf.cond(sf.constant(3) > 2, lambda: 1.0, lambda: 0.0)
        1.0
    """
    if true_fn is None or false_fn is None:
        raise TypeError("sf.cond needs true_fn and false_fn")
    pred = _read(pred)
    if is_staged(pred):
        return stage_if(pred, true_fn, false_fn, where=user_location())
    return true_fn() if pred else false_fn()


def while_loop(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None,
               parallel_iterations=None, name=None):
    """`while cond(*vars): vars = body(*vars)`, at most `maximum_iterations` times.

        >>> sf.while_loop(lambda i: i < 10, lambda i: (i + 1,), [sf.constant(0)])
        [<sf.Tensor: shape=(), dtype=int32, numpy=10>]

    `loop_vars` is a list/tuple (nested structures allowed); the result has
    its structure. `shape_invariants` (same structure, TensorShapes) allows
    shapes to change across iterations.
    """
    single = not isinstance(loop_vars, (list, tuple))
    state = [loop_vars] if single else list(loop_vars)

    def call(fn, s):
        return fn(*s)

    def body_list(*s):
        out = body(*s)
        if single:
            return [out]
        return list(out) if isinstance(out, (list, tuple)) else [out]

    if _context._state.graph is None:  # eager: Python loop
        i = 0
        while (maximum_iterations is None or i < int(maximum_iterations)) and builtins.bool(call(cond, state)):
            state = body_list(*state)
            i += 1
        return state[0] if single else type(loop_vars)(state)
    invariants = []
    if shape_invariants is not None:
        shapes = [shape_invariants] if single else list(shape_invariants)
        invariants = [(v, s) for v, s in zip(nest.flatten(state), _flatten_shapes(shapes))]
    names = [f"loop_vars[{i}]" for i in builtins.range(len(state))]
    where = user_location()
    # the loop is staged even when the condition is a Python value (TF's while_loop)
    out = stage_while(lambda *s: cond(*s), body_list, state, names, where, invariants,
                      maximum_iterations)
    return out[0] if single else type(loop_vars)(out)


def _flatten_shapes(shapes) -> list:
    out = []
    for s in shapes:
        if isinstance(s, (TensorShape,)) or s is None or (isinstance(s, (list, tuple)) and all(
                d is None or isinstance(d, int) for d in s)):
            out.append(as_shape(s))
        else:
            out.extend(_flatten_shapes(s))
    return out


def case(pred_fn_pairs, default=None, exclusive=False, name=None):
    """The function of the first true predicate (else `default`), as nested conds.

        >>> sf.case([(x < 0, lambda: -1), (x > 0, lambda: 1)], default=lambda: 0)  # doctest: +SKIP
    """
    pairs = list(pred_fn_pairs.items() if isinstance(pred_fn_pairs, dict) else pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("sf.case needs at least one (predicate, fn) pair or a default")
        return default()
    if default is None:  # TF: the last function is the default
        *pairs, (_, default) = pairs

    def chain(k):
        if k == len(pairs):
            return default()
        pred, fn = pairs[k]
        return cond(pred, fn, lambda: chain(k + 1))

    return chain(0)


def switch_case(branch_index, branch_fns, default=None, name=None):
    """`branch_fns[branch_index]()`; an index out of range runs `default`
    (or the last branch), as in TensorFlow.

        >>> sf.switch_case(sf.constant(1), [lambda: 10, lambda: 20])  # doctest: +SKIP
    """
    items = sorted(branch_fns.items()) if isinstance(branch_fns, dict) else list(enumerate(branch_fns))
    if not items:
        raise ValueError("sf.switch_case needs at least one branch")
    if default is None:
        default = items[-1][1]
    index = _read(branch_index)
    if not is_staged(index):
        i = int(index)
        return dict(items).get(i, default)()
    from strataflow.ops import math_ops

    return case([(math_ops.equal(index, k), fn) for k, fn in items], default=default)


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001 - TF's name
    """`sf.range` as AutoGraph calls it: eagerly `ops.array_ops.range_`;
    inside a trace a tensor that `for i in sf.range(n)` turns into an
    `sf.while` over a scalar counter (bounds may be symbolic), materialised
    only if used as a tensor.
    """
    if limit is None:
        start, limit = 0, start
    args = [_read(a) for a in (start, limit, delta)]
    if dtype is None:
        floating = any(isinstance(a, float) or (isinstance(a, Tensor) and a.dtype.is_floating)
                       for a in args)
        tensor_dtypes = [a.dtype for a in args if isinstance(a, Tensor)]
        dtype = tensor_dtypes[0] if tensor_dtypes else (dtypes.float32 if floating else dtypes.int32)
    dtype = dtypes.as_dtype(dtype)
    args = [convert_to_tensor(a, dtype=dtype) if not isinstance(a, Tensor) else a for a in args]
    graph = _context._state.graph
    known = [a._const_value() for a in args]
    if graph is None or any(k is None for k in known):
        if graph is None:
            from strataflow.ops.array_ops import range_

            return range_(*args, dtype=dtype)
        return _symbolic_range(graph, args, dtype)
    values = np.arange(*[k.item() for k in known], dtype=dtype._np)
    t = SymbolicTensor(graph, None, TensorShape([len(values)]), dtype)
    t._range = tuple(args)
    t._pending = EagerTensor(values)
    return t


def _symbolic_range(graph, args, dtype):
    from strataflow.ops import registry

    try:
        op = registry.get("range")
    except Exception:  # noqa: BLE001 - no range op registered
        op = None
    if op is None:
        # Not materialisable without the op; loops use the bounds directly.
        t = SymbolicTensor(graph, None, TensorShape([None]), dtype)
        t._range = tuple(args)
        t._pending = None
        return t
    t = registry.apply(op, args)
    t._range = tuple(args)
    return t
