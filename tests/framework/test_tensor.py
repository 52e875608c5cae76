import numpy as np
import pytest

import strataflow as sf
from strataflow.framework.tensor import EagerTensor


def test_constant_defaults_like_tf():
    assert sf.constant(1.5).dtype is sf.float32
    assert sf.constant(1).dtype is sf.int32
    assert sf.constant(2**40).dtype is sf.int64
    assert sf.constant(True).dtype is sf.bool
    assert sf.constant([[1, 2]]).shape == [1, 2]
    assert sf.constant(np.zeros(2)).dtype is sf.float64  # NumPy arrays keep their dtype
    assert sf.constant(0.0, shape=[2, 2]).numpy().tolist() == [[0, 0], [0, 0]]
    assert sf.constant([1, 2], dtype=sf.float16).dtype is sf.float16
    with pytest.raises(TypeError):
        sf.constant(1.5, dtype=sf.int32)
    with pytest.raises(TypeError):
        sf.constant("text")


def test_constant_owns_its_data():
    a = np.array([1.0, 2.0], np.float32)
    t = sf.constant(a)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0


def test_repr_and_str_like_tf():
    t = sf.constant([1.0, 2.0])
    assert repr(t) == "<sf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert repr(sf.constant(3)) == "<sf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert str(t) == "sf.Tensor([1. 2.], shape=(2,), dtype=float32)"


def test_tensor_properties_and_protocols():
    t = sf.constant([[1, 2, 3], [4, 5, 6]])
    assert t.ndim == 2 and len(t) == 2 and t.shape == [2, 3]
    rows = list(t)
    assert [r.numpy().tolist() for r in rows] == [[1, 2, 3], [4, 5, 6]]
    assert np.asarray(t).dtype == np.int32
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert bool(sf.constant([1])) and not bool(sf.constant(0.0))
    with pytest.raises(ValueError):
        bool(t)
    with pytest.raises(TypeError):
        len(sf.constant(1))
    assert int(sf.constant(7)) == 7 and float(sf.constant(2.5)) == 2.5
    assert [10, 20, 30][sf.constant(1)] == 20
    with pytest.raises(TypeError):
        hash(t)
    assert {t.ref(): 1}[t.ref()] == 1
    assert sf.is_tensor(t) and not sf.is_tensor(np.zeros(1))


def test_arithmetic_operators():
    x = sf.constant([1.0, -2.0, 3.0])
    np.testing.assert_array_equal((x + 1).numpy(), [2, -1, 4])
    np.testing.assert_array_equal((1 - x).numpy(), [0, 3, -2])
    np.testing.assert_array_equal((x * x).numpy(), [1, 4, 9])
    np.testing.assert_array_equal((x / 2).numpy(), [0.5, -1, 1.5])
    np.testing.assert_array_equal((2 ** x).numpy(), [2, 0.25, 8])
    np.testing.assert_array_equal((-x).numpy(), [-1, 2, -3])
    np.testing.assert_array_equal(abs(x).numpy(), [1, 2, 3])
    assert (x + 1).dtype is sf.float32


def test_integer_division_floors_and_true_division_gives_float():
    a, b = sf.constant([7, -7, 7, -7]), sf.constant([2, 2, -2, -2])
    np.testing.assert_array_equal((a // b).numpy(), [3, -4, -4, 3])
    np.testing.assert_array_equal((a % b).numpy(), [1, 1, -1, -1])
    q = sf.constant(3) / 2
    assert q.dtype is sf.float64 and q.numpy() == 1.5
    assert (sf.constant(3, sf.int16) / sf.constant(2, sf.int16)).dtype is sf.float32
    with pytest.raises(sf.errors.InvalidArgumentError, match="division by zero"):
        sf.constant([1]) // 0


def test_comparisons_and_logic():
    x = sf.constant([1, 2, 3])
    assert (x == 2).numpy().tolist() == [False, True, False]
    assert (x != 2).numpy().tolist() == [True, False, True]
    assert (x < 2).numpy().tolist() == [True, False, False]
    assert (x >= 2).numpy().tolist() == [False, True, True]
    assert (x == None) is False  # noqa: E711 - TF2 semantics
    b = sf.constant([True, False])
    assert (b & True).numpy().tolist() == [True, False]
    assert (b | False).numpy().tolist() == [True, False]
    assert (~b).numpy().tolist() == [False, True]
    assert (x & 1).numpy().tolist() == [1, 0, 1]  # ints: bitwise
    assert (~sf.constant([0], sf.uint8)).numpy().tolist() == [255]


def test_matmul_operator_and_numpy_on_the_left():
    m = sf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal((m @ m).numpy(), [[7, 10], [15, 22]])
    out = np.ones(2, np.float32) + sf.constant([1.0, 2.0])
    assert isinstance(out, sf.Tensor) and out.numpy().tolist() == [2, 3]


def test_no_implicit_promotion():
    with pytest.raises(sf.errors.InvalidArgumentError) as e:
        sf.constant(1) + sf.constant(1.5)
    msg = str(e.value)
    assert "add" in msg and "int32" in msg and "float32" in msg
    assert "test_tensor.py" in msg  # the user's source line
    with pytest.raises(TypeError):
        sf.constant(1) + 1.5
    with pytest.raises(TypeError):
        sf.constant([1], sf.uint8) + 256


@pytest.mark.parametrize("key", [
    0, -1, slice(None), slice(1, None), slice(None, None, -1), slice(None, None, 2),
    (Ellipsis, 0), (None, 1), (slice(None), None, -1), (1, slice(0, 3, 2)), (Ellipsis, None),
    (-2, slice(None, None, -2)), (slice(5, 0, -1),), (slice(-10, 10),),
])
def test_getitem_matches_numpy(key):
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    np.testing.assert_array_equal(sf.constant(a)[key].numpy(), a[key])
    assert sf.constant(a)[key].shape == a[key].shape


def test_getitem_tensor_index_gathers():
    a = np.arange(12).reshape(3, 4).astype(np.int32)
    t = sf.constant(a)
    np.testing.assert_array_equal(t[[2, 0]].numpy(), a[[2, 0]])
    np.testing.assert_array_equal(t[:, sf.constant([3, 1])].numpy(), a[:, [3, 1]])
    np.testing.assert_array_equal(t[sf.constant([1]), 2].numpy(), a[[1], 2])
    np.testing.assert_array_equal(t[1, [3, 0]].numpy(), a[1, [3, 0]])
    np.testing.assert_array_equal(t[1:, [[3, 0]]].numpy(), a[1:, [[3, 0]]])
    b = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(sf.constant(b)[:, [2, 0], 1:3].numpy(), b[:, [2, 0], 1:3])
    with pytest.raises(sf.errors.InvalidArgumentError):
        t[[3]]


def test_getitem_errors():
    t = sf.constant([[1, 2], [3, 4]])
    with pytest.raises(sf.errors.InvalidArgumentError, match="out of bounds"):
        t[2]
    with pytest.raises(sf.errors.InvalidArgumentError, match="too many indices"):
        t[0, 0, 0]
    with pytest.raises(sf.errors.InvalidArgumentError, match="step"):
        t[::0]


def test_convert_to_tensor():
    t = sf.constant([1, 2])
    assert sf.convert_to_tensor(t) is t
    assert sf.convert_to_tensor([1.0], dtype_hint=sf.float16).dtype is sf.float16
    assert sf.convert_to_tensor([1.5], dtype_hint=sf.int32).dtype is sf.float32
    with pytest.raises(sf.errors.InvalidArgumentError):
        sf.convert_to_tensor(t, dtype=sf.float32)
    assert sf.convert_to_tensor([t, t]).shape == [2, 2]
    assert isinstance(sf.convert_to_tensor(sf.Variable(1.0)), EagerTensor)
