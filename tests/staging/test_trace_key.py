"""Trace keys and nested structures (no compilation)."""
import collections

import numpy as np

import strataflow as sf
from strataflow.staging import nest
from strataflow.staging.trace_key import describe, encode


def key(*args, **kwargs):
    return encode(args, kwargs)[0]


def test_tensors_by_dtype_and_shape():
    a = sf.constant([1.0, 2.0])
    assert key(a) == key(sf.constant([5.0, 6.0])) == key(np.zeros(2, np.float32))
    assert key(a) != key(sf.constant([1.0, 2.0, 3.0]))
    assert key(a) != key(sf.constant([1, 2]))


def test_python_values_by_value_and_type():
    assert key(1) == key(1) and key(1) != key(2)
    assert key(1) != key(1.0) and key(1) != key(True)
    assert key("a") != key("b") and key(None) == key(None)


def test_structures_and_kwargs():
    a = sf.constant(1.0)
    assert key([a, a]) != key((a, a)) != key([a, [a]])
    assert key({"x": a, "y": 1}) == key({"y": 1, "x": a})
    assert key(a, k=1) != key(a, 1) and key(x=1, y=2) == key(y=2, x=1)
    Point = collections.namedtuple("Point", "x y")
    assert key(Point(a, a)) != key((a, a))


def test_tensor_leaves_in_order():
    a, b, c = sf.constant(1.0), sf.constant(2.0), sf.constant(3.0)
    _, tensors, variables = encode(([a, {"z": b, "y": c}],), {"k": 7})
    assert [t.numpy() for t in tensors] == [1.0, 3.0, 2.0]  # dict values in key order
    v = sf.Variable(1.0)
    _, tensors, variables = encode((v, a), {})
    assert variables == [v] and tensors == [a]


def test_other_objects_by_hash_or_identity():
    class Plain:
        pass

    p, q = Plain(), Plain()
    assert key(p) == key(p) and key(p) != key(q)
    assert key([1]) != key([2])


def test_describe():
    assert describe(sf.constant([1.0])) == "tensor float32[1]"
    assert describe(3) == "Python int 3"
    assert describe({"a": [1, sf.constant(1)]}) == "{'a': [Python int 1, tensor int32[]]}"


def test_nest_roundtrip():
    Point = collections.namedtuple("Point", "x y")
    s = {"b": [1, (2, 3)], "a": Point(4, {"k": 5})}
    leaves = nest.flatten(s)
    assert leaves == [4, 5, 1, 2, 3]
    assert nest.pack_sequence_as(s, leaves) == s
    assert nest.map_structure(lambda x: x * 10, s)["a"].x == 40
    assert not nest.same_structure([1, 2], (1, 2))
    assert nest.structure_text({"a": (1,)}) == "{'a': (.,)}"
