import ml_dtypes
import numpy as np
import pytest

import strataflow as sf
from strataflow.framework import dtypes


@pytest.mark.parametrize("dt,np_type,mlir,kind", [
    (sf.float16, np.float16, "f16", "f"), (sf.bfloat16, ml_dtypes.bfloat16, "bf16", "f"),
    (sf.float32, np.float32, "f32", "f"), (sf.float64, np.float64, "f64", "f"),
    (sf.bool, np.bool_, "i1", "b"), (sf.int8, np.int8, "i8", "i"), (sf.int16, np.int16, "i16", "i"),
    (sf.int32, np.int32, "i32", "i"), (sf.int64, np.int64, "i64", "i"), (sf.uint8, np.uint8, "ui8", "u"),
])
def test_dtype_facts(dt, np_type, mlir, kind):
    assert dt.as_numpy_dtype is np_type
    assert dt.mlir_name == mlir
    assert (dt.is_floating, dt.is_integer, dt.is_bool, dt.is_unsigned) == (
        kind == "f", kind in "iu", kind == "b", kind == "u")
    assert sf.as_dtype(dt.name) is dt and sf.as_dtype(np_type) is dt and sf.as_dtype(mlir) is dt
    assert repr(dt) == f"sf.{dt.name}"


def test_dtype_limits_and_errors():
    assert sf.uint8.min == 0 and sf.uint8.max == 255
    assert sf.int32.min == -(2**31)
    assert sf.float32.max == np.finfo(np.float32).max
    assert float(sf.bfloat16.max) == float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)
    assert sf.bool.min is False and sf.bool.max is True
    with pytest.raises(TypeError):
        sf.as_dtype("complex64")
    with pytest.raises(TypeError):
        sf.as_dtype(np.uint32)
    assert dtypes.as_dtype("double") is sf.float64


def test_tensor_shape_basics():
    s = sf.TensorShape([None, 3])
    assert s.rank == 2 and s.as_list() == [None, 3] and not s.is_fully_defined()
    assert repr(s) == "TensorShape([None, 3])" and str(s) == "(None, 3)"
    assert str(sf.TensorShape([2])) == "(2,)" and str(sf.TensorShape([])) == "()"
    assert s[1] == 3 and s[-2] is None and s[1:] == sf.TensorShape([3])
    assert s == [None, 3] and s != sf.TensorShape([1, 3])
    assert sf.TensorShape(None).rank is None and repr(sf.TensorShape(None)) == "TensorShape(None)"
    assert sf.TensorShape([2, 3]).num_elements() == 6 and s.num_elements() is None


def test_tensor_shape_compat_merge_join():
    s = sf.TensorShape([None, 3])
    assert s.is_compatible_with([4, 3]) and not s.is_compatible_with([4, 2])
    assert not s.is_compatible_with([3]) and s.is_compatible_with(None)
    assert s.merge_with([4, None]) == sf.TensorShape([4, 3])
    with pytest.raises(ValueError):
        s.merge_with([4, 2])
    assert sf.TensorShape([2, 3]).most_specific_compatible_shape([4, 3]) == sf.TensorShape([None, 3])
    assert sf.TensorShape([2]).most_specific_compatible_shape([2, 1]).rank is None
    with pytest.raises(ValueError):
        sf.TensorShape([-1])


def test_tensor_spec():
    spec = sf.TensorSpec([None, 3], sf.float32, name="x")
    assert spec.shape == sf.TensorShape([None, 3]) and spec.dtype is sf.float32 and spec.name == "x"
    assert repr(spec) == "TensorSpec(shape=(None, 3), dtype=sf.float32, name='x')"
    assert spec.is_compatible_with(sf.zeros([2, 3]))
    assert not spec.is_compatible_with(sf.zeros([2, 3], sf.int32))
    assert sf.TensorSpec([2], "int32") == sf.TensorSpec([2], sf.int32)
    assert hash(sf.TensorSpec([2], "int32")) == hash(sf.TensorSpec([2], sf.int32))
    assert sf.TensorSpec.from_tensor(sf.constant([1, 2])) == sf.TensorSpec([2], sf.int32)
