import numpy as np
import pytest

import strataflow as sf
from strataflow.framework import context
from strataflow.framework.variables import READ_VARIABLE, VariableHandle


def test_variable_basics_and_repr():
    v = sf.Variable([1.0, 2.0], name="w")
    assert v.name == "w:0" and v.trainable and v.dtype is sf.float32 and v.shape == [2]
    assert repr(v) == "<sf.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert sf.Variable(lambda: sf.zeros([3]), trainable=False).numpy().tolist() == [0, 0, 0]
    assert sf.Variable(1, dtype=sf.float64).dtype is sf.float64


def test_assign_family_and_snapshot_reads():
    v = sf.Variable([1.0, 2.0])
    before = v.read_value()
    assert v.assign([5.0, 6.0]) is v
    v.assign_add([1.0, 1.0])
    v.assign_sub(sf.constant([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [5.5, 6.5])
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])  # a snapshot
    assert v.assign([0.0, 0.0], read_value=True).numpy().tolist() == [0, 0]


def test_assign_errors():
    v = sf.Variable([1.0, 2.0])
    with pytest.raises(sf.errors.InvalidArgumentError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(sf.errors.InvalidArgumentError, match="int32"):
        v.assign(sf.constant([1, 2]))
    loose = sf.Variable([1.0], shape=[None])
    loose.assign([1.0, 2.0, 3.0])
    assert loose.numpy().shape == (3,) and loose.shape == sf.TensorShape([None])


def test_variables_in_expressions_read_through_an_op():
    v = sf.Variable([[1.0, 2.0]])
    np.testing.assert_array_equal((v + 1).numpy(), [[2, 3]])
    np.testing.assert_array_equal((2 * v).numpy(), [[2, 4]])
    np.testing.assert_array_equal(sf.matmul(v, v, transpose_b=True).numpy(), [[5]])
    np.testing.assert_array_equal(v[0, 1].numpy(), 2)
    np.testing.assert_array_equal(np.asarray(v), [[1, 2]])

    class Tape:
        records = []

        def record(self, op, inputs, attrs, outputs):
            self.records.append((op, inputs))

    tape = Tape()
    context.push_tape(tape)
    try:
        v * 2
    finally:
        context.pop_tape()
    op, inputs = tape.records[0]
    assert op is READ_VARIABLE and isinstance(inputs[0], VariableHandle)
    assert inputs[0].variable is v and inputs[0].spec == sf.TensorSpec([1, 2], sf.float32)


class Dense(sf.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.w = sf.Variable(sf.ones([n_in, n_out]))
        self.b = sf.Variable(sf.zeros([n_out]), trainable=False)

    def __call__(self, x):
        return x @ self.w + self.b


class Net(sf.Module):
    def __init__(self):
        super().__init__(name="net")
        self.layers = [Dense(2, 3), Dense(3, 1)]
        self.extra = {"scale": sf.Variable(2.0), "nested": (Dense(1, 1),)}
        self.alias = self.layers[0]  # counted once


def test_module_tracking():
    net = Net()
    assert net.name == "net" and Dense(1, 1).name == "dense"
    assert len(net.submodules) == 3
    assert len(net.variables) == 7
    assert len(net.trainable_variables) == 4
    assert all(v.trainable for v in net.trainable_variables)
    assert net.layers[0].w in net.trainable_variables
    out = net.layers[1](net.layers[0](sf.ones([1, 2])))
    assert out.numpy().tolist() == [[6.0]]
    with net.name_scope as scope:
        assert scope == "net/"
        assert sf.Variable(1.0, name="w").name == "net/w:0"
    assert sf.Variable(1.0, name="w").name == "w:0"
    with pytest.raises(ValueError):
        sf.Module(name="not valid")


def test_writable_array_copies_only_when_a_read_may_share_it():
    v = sf.Variable([1.0, 2.0])
    h = v.handle
    buf = h.writable_array()
    assert buf is h.array  # nothing shares it yet: no copy
    t = v.read_value()
    buf = h.writable_array()
    buf[0] = 9.0  # e.g. a compiled function writing in place
    assert t.numpy().tolist() == [1.0, 2.0] and v.numpy().tolist() == [9.0, 2.0]
