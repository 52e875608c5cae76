"""Nested structures (lists, tuples, namedtuples, dicts) <-> flat lists of leaves.

    >>> flatten({"b": [1, 2], "a": 3})
    [3, 1, 2]
    >>> pack_sequence_as({"b": [0, 0], "a": 0}, [7, 8, 9])
    {'b': [8, 9], 'a': 7}

Dict values are visited in sorted key order (TensorFlow's rule), so two dicts
with the same keys flatten alike whatever their insertion order.

Composite values (e.g. `sf.TensorArray`) flatten into their component
tensors: they define `_nest_components()` (a list) and
`_nest_rebuild(components)` (a new value of the same kind), and may define
`_nest_invariants()` (the most general shape of each component, for loops).
"""
from __future__ import annotations


def is_nested(x) -> bool:
    return isinstance(x, (list, tuple, dict)) or is_composite(x)


def is_composite(x) -> bool:
    return hasattr(type(x), "_nest_components")


def _sorted_keys(d: dict) -> list:
    try:
        return sorted(d)
    except TypeError:  # keys of mixed types: keep insertion order
        return list(d)


def _children(x):
    if isinstance(x, dict):
        return [x[k] for k in _sorted_keys(x)]
    if is_composite(x):
        return x._nest_components()
    return list(x)


def flatten(structure) -> list:
    """The leaves of `structure`, depth first (a non-nested value is one leaf)."""
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out: list) -> None:
    if is_nested(x):
        for c in _children(x):
            _flatten_into(c, out)
    else:
        out.append(x)


def _rebuild(template, children: list):
    if is_composite(template):
        return template._nest_rebuild(children)
    if isinstance(template, dict):
        by_key = dict(zip(_sorted_keys(template), children))
        return type(template)((k, by_key[k]) for k in template)
    if isinstance(template, tuple) and hasattr(template, "_fields"):  # namedtuple
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure, leaves):
    """`structure` with its leaves replaced, in order, by `leaves`."""
    it = iter(leaves)

    def build(x):
        if is_nested(x):
            return _rebuild(x, [build(c) for c in _children(x)])
        return next(it)

    result = build(structure)
    if next(it, _END) is not _END:
        raise ValueError("pack_sequence_as: more leaves than the structure has")
    return result


_END = object()


def map_structure(fn, *structures):
    """`fn` applied leafwise to structures of the same shape."""
    first = structures[0]
    for s in structures[1:]:
        assert_same_structure(first, s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(first, [fn(*xs) for xs in zip(*flats)])


def flatten_invariants(structure) -> list:
    """Per leaf of `flatten(structure)`: the shape a loop may generalize it to
    (declared by composites), or None."""
    out: list = []

    def walk(x):
        if is_composite(x):
            invariants = getattr(x, "_nest_invariants", None)
            out.extend(invariants() if invariants else [None] * len(x._nest_components()))
        elif is_nested(x):
            for c in _children(x):
                walk(c)
        else:
            out.append(None)

    walk(structure)
    return out


def structure_text(x) -> str:
    """A short text of the nesting (leaves shown as `.`), for error messages."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {structure_text(x[k])}" for k in _sorted_keys(x)) + "}"
    if isinstance(x, tuple):
        return "(" + ", ".join(structure_text(c) for c in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, list):
        return "[" + ", ".join(structure_text(c) for c in x) + "]"
    if is_composite(x):
        return f"{type(x).__name__}({len(x._nest_components())} tensors)"
    return "."


def same_structure(a, b) -> bool:
    if is_composite(a) or is_composite(b):
        return (type(a) is type(b) and len(a._nest_components()) == len(b._nest_components()))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and _sorted_keys(a) == _sorted_keys(b)
                and all(same_structure(a[k], b[k]) for k in a))
    a_seq, b_seq = isinstance(a, (list, tuple)), isinstance(b, (list, tuple))
    if a_seq or b_seq:
        return (a_seq and b_seq and type(a) is type(b) and len(a) == len(b)
                and all(same_structure(x, y) for x, y in zip(a, b)))
    return True


def assert_same_structure(a, b) -> None:
    if not same_structure(a, b):
        raise ValueError(
            f"structures differ: {structure_text(a)} vs {structure_text(b)}"
        )
