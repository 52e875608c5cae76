"""AutoGraph and explicit control flow, staged vs eager: every construct must
give the eager result when compiled (sf.if / sf.while)."""
import numpy as np
import pytest

import strataflow as sf
from strataflow.staging import nest

def c(v, dtype=np.float32):
    return sf.constant(np.asarray(v, dtype))


def i32(v):
    return c(v, np.int32)


def values(x):
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in nest.flatten(x)]


def check(fn, *args, traces=None):
    """Staged fn(*args) equals eager fn(*args) (Python control flow on eager tensors)."""
    eager = fn(*args)
    staged_fn = sf.function(fn)
    staged = staged_fn(*args)
    for e, s in zip(values(eager), values(staged)):
        np.testing.assert_allclose(s, e, rtol=1e-6)
    return staged_fn


def test_if_else_on_tensor_condition():
    def f(x):
        if x > 0:
            y = x * 2.0
        else:
            y = -x
        return y

    g = check(f, c(3.0))
    check(f, c(-3.0))
    assert "sf.if" in g.get_concrete_function(c(1.0)).ir()


def test_python_condition_stays_python():
    def f(x, flag):
        if flag:
            x = x + 1.0
        return x

    g = sf.function(f)
    assert g(c(1.0), True).numpy() == 2.0
    assert "sf.if" not in g.get_concrete_function(c(1.0), True).ir()


def test_if_without_else_and_elif_chain():
    def f(x):
        y = x
        if x > 10:
            y = x - 10.0
        elif x > 5:
            y = x - 5.0
        if x < 0:
            y = 0.0  # a Python float merged with a tensor
        return y

    for v in (12.0, 7.0, 3.0, -1.0):
        check(f, c(v))


def test_collatz_27_takes_111_steps():
    def collatz(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    g = sf.function(collatz)
    assert g(i32(27)).numpy() == 111
    assert g(i32(1)).numpy() == 0
    assert g.experimental_get_tracing_count() == 1


def test_for_over_range_with_early_break():
    def f(n, limit):
        total = 0
        for i in sf.range(n):
            if total > limit:
                break
            total += i
        return total

    check(f, i32(100), i32(20))
    check(f, i32(3), i32(100))


def test_for_over_range_with_a_run_time_step():
    # the sign of the step is known only at run time: counts up or down;
    # a zero step runs no iterations
    def f(start, limit, step):
        total = 0
        count = 0
        for i in sf.range(start, limit, step):
            total += i
            count += 1
        return total, count

    g = check(f, i32(0), i32(10), i32(3))
    for start, limit, step, total, count in [(0, 10, 3, 18, 4), (10, 0, -3, 22, 4), (5, 5, 1, 0, 0),
                                             (0, 10, -1, 0, 0), (10, 0, 2, 0, 0), (0, 3, 0, 0, 0)]:
        got = g(i32(start), i32(limit), i32(step))
        assert (int(got[0]), int(got[1])) == (total, count), (start, limit, step)
    assert g.experimental_get_tracing_count() == 1


def test_for_over_tensor_rows_and_continue():
    def f(m):
        acc = sf.zeros([2])
        for row in m:
            if sf.reduce_sum(row) < 0:
                continue
            acc = acc + row
        return acc

    check(f, c([[1, 2], [-5, 1], [3, 4]]))


def test_return_inside_loop():
    def f(n):
        i = 0
        while i < n:
            if i * i > 50:
                return i
            i += 1
        return -1

    check(f, i32(100))
    check(f, i32(3))


def test_and_or_not_on_tensors():
    def f(x, y):
        r = 0
        if x > 0 and y > 0:
            r += 1
        if x > 0 or y > 0:
            r += 10
        if not x > 0:
            r += 100
        return r

    for a, b in ((1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)):
        check(f, c(a), c(b))


def test_undefined_in_one_branch_is_a_clear_error():
    @sf.function
    def f(x):
        if x > 0:
            y = x
        return y

    with pytest.raises(UnboundLocalError, match=r"'y' is defined only in the true branch .*test_autograph_staged.py:\d+"):
        f(c(1.0))


def test_dtype_change_in_loop_is_a_clear_error():
    @sf.function
    def f(n):
        x = 0
        while n > 0:
            x = sf.cast(x, sf.float32) + 0.5
            n -= 1
        return x

    with pytest.raises(TypeError, match=r"'x' changes dtype from int32 to float32 .*test_autograph_staged.py:\d+"):
        f(i32(3))


def test_shape_change_needs_an_invariant():
    def grow(n):
        x = sf.ones([1])
        while sf.shape(x)[0] < n:
            x = sf.concat([x, x], 0)
        return x

    with pytest.raises(ValueError, match=r"'x' changes shape from \(1,\) to \(2,\).*set_loop_options"):
        sf.function(grow)(i32(5))

    def relaxed(n):
        x = sf.ones([1])
        while sf.shape(x)[0] < n:
            sf.autograph.experimental.set_loop_options(shape_invariants=[(x, sf.TensorShape([None]))])
            x = sf.concat([x, x], 0)
        return x

    assert sf.function(relaxed)(i32(5)).numpy().shape == (8,)


def test_helpers_are_converted_and_functions_inline():
    def helper(x):
        if x > 0:
            return x
        return -x

    inner = sf.function(lambda x: x * 2.0)

    def f(x):
        return inner(helper(x))

    check(f, c(-3.0))


def test_explicit_cond_case_switch_case():
    def f(x, k):
        a = sf.cond(x > 0, lambda: x, lambda: -x)
        b = sf.case([(x > 5, lambda: 1.0), (x > 0, lambda: 2.0)], default=lambda: 3.0)
        d = sf.switch_case(k, [lambda: 10.0, lambda: 20.0, lambda: 30.0])
        return a, b, d

    for v, k in ((7.0, 0), (1.0, 1), (-2.0, 2), (-2.0, 5)):
        check(f, c(v), i32(k))


def test_explicit_while_loop_with_maximum_iterations():
    def f(n):
        i, s = sf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), [0, 0],
                             maximum_iterations=7)
        return i, s

    check(f, i32(100))
    check(f, i32(3))


def test_tensor_array_in_a_staged_loop():
    def f(n):
        ta = sf.TensorArray(sf.float32, size=4)
        for i in sf.range(4):
            ta = ta.write(i, sf.cast(i, sf.float32) * 2.0)
        return ta.stack(), ta.read(2), ta.size()

    check(f, i32(4))


def test_dynamic_tensor_array():
    def f(n):
        ta = sf.TensorArray(sf.int32, size=0, dynamic_size=True)
        for i in sf.range(n):
            ta = ta.write(i, i * i)
        return ta.stack()

    g = sf.function(f)
    np.testing.assert_array_equal(g(i32(5)).numpy(), [0, 1, 4, 9, 16])
    np.testing.assert_array_equal(g(i32(2)).numpy(), [0, 1])


def test_dynamic_tensor_array_writes_anywhere_and_x_i_indexes_at_run_time():
    # out of order, with gaps (zero rows, as TF) and in order; x[i] with a
    # loop index (and x[-1 - i], a negative one) gathers at run time
    def reversed_rows(x):
        n = sf.shape(x)[0]
        ta = sf.TensorArray(sf.float32, size=0, dynamic_size=True)
        for i in sf.range(n):
            ta = ta.write(n - 1 - i, x[i])
        return ta.stack(), x[-1 - sf.shape(x)[0] // 2]

    def spread(x):
        ta = sf.TensorArray(sf.float32, size=0, dynamic_size=True)
        for i in sf.range(sf.shape(x)[0]):
            ta = ta.write(2 * i, x[i] * 2.0)
        return ta.stack()

    x = sf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
    staged = check(reversed_rows, x)(x)
    np.testing.assert_array_equal(staged[0].numpy(), x.numpy()[::-1])
    np.testing.assert_array_equal(staged[1].numpy(), x.numpy()[1])
    want = np.zeros((7, 2), np.float32)
    want[::2] = x.numpy() * 2
    np.testing.assert_array_equal(check(spread, x)(x).numpy(), want)


def test_print_runs_at_call_time(capfd):
    traced = []

    @sf.function
    def f(x):
        traced.append(1)
        sf.print("x =", x)
        return x + x

    f(c([1.0, 2.0]))
    f(c([3.0, 4.0]))
    err = capfd.readouterr().err
    assert err.splitlines() == ["x = [1. 2.]", "x = [3. 4.]"]
    assert traced == [1]


def test_matmul_many():
    w = c([[0.6, -0.8], [0.8, 0.6]])  # a rotation: 100 products stay bounded

    def matmul_many(x):
        for _ in sf.range(100):
            x = sf.matmul(x, w)
        return x

    check(matmul_many, c([[1.0, 2.0], [3.0, 4.0]]))
