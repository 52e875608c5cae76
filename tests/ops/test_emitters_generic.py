"""Every emitter builds IR (generic form, no native module needed): the op
names and attributes the dialect's .td files define, static and dynamic."""
import numpy as np
import pytest

import strataflow as sf
from strataflow.framework.tensor import EagerTensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops.registry import composite
from tests.ops.differential import run_recorded

ir = pytest.importorskip("mlir.ir")
func = pytest.importorskip("mlir.dialects.func")

x23 = np.ones((2, 3), np.float32)
CASES = [  # (fn, args, sf op names that must appear)
    (sf.add, (x23, np.ones(3, np.float32)), ["sf.add", "sf.broadcast_to"]),
    (sf.subtract, (x23, x23), ["sf.sub"]),
    (lambda a: a * 2.0, (x23,), ["sf.mul", "sf.constant"]),
    (sf.math.real_div if hasattr(sf.math, "real_div") else sf.divide, (x23, x23), ["sf.div"]),
    (sf.math.floordiv, (np.ones(3, np.int32), np.ones(3, np.int32)), ["sf.floordiv"]),
    (sf.math.floormod, (x23, x23), ["sf.mod"]),
    (sf.negative, (x23,), ["sf.neg"]),
    (sf.math.rsqrt, (x23,), ["sf.rsqrt"]),
    (sf.nn.gelu, (x23,), ["sf.gelu"]),
    (sf.less, (x23, x23), ["sf.less"]),
    (sf.where, (np.ones((2, 3), bool), x23, np.float32(0)), ["sf.select"]),
    (lambda a: sf.cast(a, sf.int32), (x23,), ["sf.cast"]),
    (lambda a: sf.reduce_mean(a, axis=1, keepdims=True), (x23,), ["sf.reduce_mean"]),
    (lambda a: sf.argmax(a, 1), (x23,), ["sf.argmax"]),
    (sf.nn.softmax, (x23,), ["sf.softmax"]),
    (lambda a, b: sf.matmul(a, b, transpose_b=True), (x23, x23), ["sf.matmul"]),
    (sf.matmul, (np.ones((4, 2, 3), np.float32), np.ones((3, 5), np.float32)), ["sf.batch_matmul"]),
    (lambda a, w: sf.nn.conv2d(a, w, 1, "SAME"), (np.ones((1, 4, 4, 2), np.float32),
                                                  np.ones((3, 3, 2, 1), np.float32)), ["sf.conv2d"]),
    (lambda a: sf.nn.max_pool2d(a, 2, 2, "VALID"), (np.ones((1, 4, 4, 2), np.float32),), ["sf.max_pool"]),
    (lambda a: sf.reshape(a, [3, -1]), (x23,), ["sf.reshape"]),
    (lambda a: sf.transpose(a), (x23,), ["sf.transpose"]),
    (lambda a: sf.expand_dims(a, 0), (x23,), ["sf.expand_dims"]),
    (lambda a: sf.squeeze(a, [0]), (np.ones((1, 3), np.float32),), ["sf.squeeze"]),
    (lambda a: a[:, ::-1], (x23,), ["sf.strided_slice"]),
    (lambda a: sf.concat([a, a], 1), (x23,), ["sf.concat"]),
    (lambda a: sf.pad(a, [[1, 0], [0, 2]]), (x23,), ["sf.pad"]),
    (lambda a: sf.gather(a, [1, 0], axis=1), (x23,), ["sf.gather"]),
    (lambda a: sf.fill([2, 2], a), (np.float32(3),), ["sf.broadcast_to"]),
]


def emit_all(records, blur):
    """Emits each recorded primitive into its own function; returns the IR text."""
    from strataflow.ops.emitter import Builder

    texts = []
    with ir.Context() as ctx, ir.Location.unknown():
        ctx.allow_unregistered_dialects = True
        b = Builder()
        for op, inputs, attrs, _ in records:
            if op.emit is None or isinstance(op.emit, composite):
                continue
            ins = [TensorSpec(TensorShape([None] * x.shape.rank) if blur else x.shape, x.dtype)
                   if isinstance(x, EagerTensor) else x for x in inputs]
            specs = op.infer(*ins, **attrs)
            outs = specs if isinstance(specs, tuple) else (specs,)
            module = ir.Module.create()
            with ir.InsertionPoint(module.body):
                f = func.FuncOp("f", ([b.tensor_type(s.shape, s.dtype) for s in ins],
                                      [b.tensor_type(s.shape, s.dtype) for s in outs]))
                entry = f.add_entry_block()
                with ir.InsertionPoint(entry):
                    res = op.emit(b, *entry.arguments, out_specs=specs, **attrs)
                    func.ReturnOp(res if isinstance(res, list) else [res])
            texts.append(str(module))
    return "\n".join(texts)


# whose attributes or emitters assume static shapes: emitted static only
STATIC_ONLY = {"sf.conv2d", "sf.max_pool", "sf.batch_matmul", "sf.reshape", "sf.strided_slice",
               "sf.concat", "sf.pad", "sf.gather", "sf.broadcast_to"}


@pytest.mark.parametrize("case,blur", [
    pytest.param(case, blur, id=f"{case[2][0]}-{'dynamic' if blur else 'static'}")
    for case in CASES for blur in (False, True) if not (blur and case[2][0] in STATIC_ONLY)])
def test_emitter_builds_expected_ops(case, blur):
    fn, args, names = case
    _, records = run_recorded(fn, *[sf.constant(a) for a in args])
    text = emit_all(records, blur)
    for name in names:
        if blur and name in ("sf.broadcast_to", "sf.constant"):
            continue
        assert f'"{name}"' in text, text


def test_dynamic_broadcast_computes_the_shape_at_runtime():
    _, records = run_recorded(sf.add, sf.ones([2, 3]), sf.ones([3]))
    text = emit_all(records, blur=True)
    assert '"sf.shape"' in text and '"sf.maximum"' in text and '"sf.broadcast_to"' in text
