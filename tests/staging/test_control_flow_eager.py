"""sf.cond / while_loop / case / switch_case / TensorArray / print, eagerly."""
import numpy as np
import pytest

import strataflow as sf


def test_cond_and_case():
    x = sf.constant(3.0)
    assert sf.cond(x > 0, lambda: 1, lambda: 2) == 1
    assert sf.case([(x > 5, lambda: "a"), (x > 1, lambda: "b")], default=lambda: "c") == "b"
    assert sf.case([(x > 5, lambda: "a")], default=lambda: "c") == "c"
    assert sf.switch_case(sf.constant(1), [lambda: 10, lambda: 20]) == 20
    assert sf.switch_case(7, {0: lambda: 10, 3: lambda: 30}) == 30  # out of range: last branch
    with pytest.raises(TypeError):
        sf.cond(x > 0, lambda: 1)


def test_while_loop():
    i, s = sf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), [0, 0])
    assert (i, s) == (5, 10)
    (j,) = sf.while_loop(lambda j: True, lambda j: (j + 1,), (0,), maximum_iterations=3)
    assert j == 3
    assert sf.while_loop(lambda t: t < 10.0, lambda t: t * 2.0, sf.constant(1.0)).numpy() == 16.0


def test_tensor_array_eager():
    ta = sf.TensorArray(sf.float32, size=3)
    for i in range(3):
        ta = ta.write(i, float(i) * 2.0)
    np.testing.assert_array_equal(ta.stack().numpy(), [0.0, 2.0, 4.0])
    assert ta.read(1).numpy() == 2.0 and ta.size().numpy() == 3
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [4.0, 0.0])
    dyn = sf.TensorArray(sf.int32, size=0, dynamic_size=True)
    for i in range(4):
        dyn = dyn.write(i, [i, i])
    assert dyn.stack().numpy().shape == (4, 2)
    un = sf.TensorArray(sf.float32, size=0, dynamic_size=True).unstack(sf.constant([[1.0], [2.0]]))
    assert un.read(1).numpy() == [2.0]
    with pytest.raises(sf.errors.OutOfRangeError):
        ta.write(3, 1.0)
    with pytest.raises(sf.errors.InvalidArgumentError):
        sf.TensorArray(sf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])


def test_print_eager(capfd):
    sf.print("x =", sf.constant([1, 2]), "y =", sf.constant(2.5))
    assert capfd.readouterr().err.splitlines() == ["x = [1 2]", "y = 2.5"]
