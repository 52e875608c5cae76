"""ops.emitter.Builder on plain MLIR (generic op syntax; no native module needed)."""
import subprocess
import sys

import numpy as np
import pytest

import strataflow as sf

ir = pytest.importorskip("mlir.ir")


def test_import_strataflow_does_not_load_mlir_or_ml_dtypes():
    code = ("import sys, strataflow as sf; sf.constant(1) + 1; "
            "print('mlir' in sys.modules, 'ml_dtypes' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


@pytest.fixture
def builder():
    from strataflow.ops.emitter import Builder

    with ir.Context() as ctx, ir.Location.unknown():
        ctx.allow_unregistered_dialects = True
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            yield Builder()


def test_types(builder):
    assert str(builder.tensor_type(sf.TensorSpec([None, 3], sf.float32))) == "tensor<?x3xf32>"
    assert str(builder.tensor_type([2], sf.uint8)) == "tensor<2xui8>"
    assert str(builder.tensor_type([], sf.bool)) == "tensor<i1>"
    assert str(builder.element_type(sf.bfloat16)) == "bf16"
    with pytest.raises(sf.errors.InvalidArgumentError):
        builder.tensor_type(sf.TensorSpec(None, sf.float32))


@pytest.mark.parametrize("value,text", [
    (np.array([1.5, 2], np.float32), "dense<[1.500000e+00, 2.000000e+00]> : tensor<2xf32>"),
    (np.array([True, False, True]), "dense<[true, false, true]> : tensor<3xi1>"),
    (np.array(True), "dense<true> : tensor<i1>"),
    (np.array([1, 255], np.uint8), "dense<[1, 255]> : tensor<2xui8>"),
    (np.array(7, np.int64), "dense<7> : tensor<i64>"),
])
def test_dense_constants(builder, value, text):
    assert str(builder.dense(value)) == text


def test_generic_op_and_attrs(builder):
    c = builder.constant(np.ones((2, 3), np.float32))
    r = builder.op("sf.matmul", [c, c], [builder.tensor_type([2, 2], sf.float32)],
                   {"transpose_b": builder.bool_attr(True), "axes": builder.i64_array([0, 1])})
    text = str(r.owner)
    assert '"sf.matmul"' in text and "transpose_b = true" in text and "array<i64: 0, 1>" in text
