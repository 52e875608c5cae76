"""apply(): conversion, inference errors, eager kernels, graph dispatch, tapes."""
import threading

import numpy as np
import pytest

import strataflow as sf
from strataflow.framework import context
from strataflow.framework.tensor_shape import TensorSpec
from strataflow.ops import registry
from strataflow.ops.registry import OpDef, apply


class RecordingTape:
    def __init__(self):
        self.records = []

    def record(self, op, inputs, attrs, outputs):
        self.records.append((op.name, list(inputs), dict(attrs), outputs))


class FakeGraph:
    """Stands in for the staging layer's graph: returns placeholders."""

    def __init__(self):
        self.emitted = []

    def emit_op(self, op, inputs, attrs, out_specs):
        self.emitted.append((op.name, attrs, out_specs))
        return "symbolic"


def test_registry_lookup():
    assert registry.get("add") is sf.add.op
    assert "matmul" in registry.all_ops()
    with pytest.raises(sf.errors.NotFoundError):
        registry.get("no_such_op")
    with pytest.raises(sf.errors.InternalError):
        registry.register(OpDef("add", None, None))


def test_tapes_record_every_application_and_stop_recording_pauses():
    tape = RecordingTape()
    x = sf.constant([1.0, 2.0])
    context.push_tape(tape)
    try:
        y = x * 3
        with context.stop_recording():
            x + 1
            assert context.active_tapes() == ()
        z = sf.reduce_sum(y, axis=0)
    finally:
        context.pop_tape(tape)
    names = [r[0] for r in tape.records]
    assert names == ["multiply", "reduce_sum"]
    op, inputs, attrs, out = tape.records[1]
    assert inputs[0] is y and attrs == {"axes": (0,), "keepdims": False} and out is z
    x + 1  # no tape any more
    assert len(tape.records) == 2


def test_graph_dispatch_gets_inferred_specs_and_skips_kernels():
    g = FakeGraph()
    x = sf.constant(np.ones((2, 3), np.float32))
    with context.graph_scope(g):
        assert not sf.executing_eagerly() and context.current_graph() is g
        out = sf.matmul(x, x, transpose_b=True)
    assert out == "symbolic" and sf.executing_eagerly()
    name, attrs, spec = g.emitted[0]
    assert name == "matmul" and attrs == {"transpose_b": True}
    assert spec.shape == [2, 2] and spec.dtype is sf.float32
    with context.graph_scope(g), context.eager_scope():
        assert sf.executing_eagerly()


def test_state_is_thread_local():
    seen = []
    context.push_graph(FakeGraph())
    try:
        t = threading.Thread(target=lambda: seen.append(context.current_graph()))
        t.start()
        t.join()
    finally:
        context.pop_graph()
    assert seen == [None]


def test_errors_name_op_inputs_and_user_line():
    with pytest.raises(sf.errors.InvalidArgumentError) as e:
        sf.matmul(sf.ones([2, 3]), sf.ones([4, 5]))
    msg = str(e.value)
    assert msg.startswith("matmul: ")
    assert "float32[2,3], float32[4,5]" in msg
    assert "test_registry_context.py" in msg and "sf.matmul(sf.ones([2, 3])" in msg
    assert e.value.op == "matmul"


def test_kernel_errors_are_located_too():
    with pytest.raises(sf.errors.InvalidArgumentError, match=r"gather: index 5 is not in \[0, 3\)"):
        sf.gather(sf.constant([1, 2, 3]), [0, 5])


def test_multi_output_and_no_output_ops():
    two = OpDef("test_split2", lambda x: (x[:1], x[1:]),
                lambda x: (TensorSpec([1], x.dtype), TensorSpec([None], x.dtype)))
    a, b = apply(two, [sf.constant([1, 2, 3])])
    assert a.numpy().tolist() == [1] and b.shape == [2]
    sink = []
    none = OpDef("test_sink", lambda x: sink.append(x), lambda x: ())
    assert apply(none, [sf.constant(1)]) == ()
    assert sink[0] == 1


def test_python_values_adopt_the_tensor_dtype():
    assert (sf.constant(1.0, sf.float16) + 2).dtype is sf.float16
    assert (sf.constant([1], sf.int64) * 3).dtype is sf.int64
    assert sf.add(1, 2.5).dtype is sf.float32  # like Python: a float
    assert sf.add(np.float64(1.0), sf.constant(1.0)).dtype is sf.float32
    with pytest.raises(TypeError, match="add: input 1"):
        sf.constant([1]) + np.array([1.5])
