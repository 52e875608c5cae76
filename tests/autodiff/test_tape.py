"""GradientTape behaviour (eager): watching, variables, nesting, persistence,
structures, unconnected sources, stop_gradient, assign, jacobians, custom gradients."""
from __future__ import annotations

import numpy as np
import pytest

import strataflow as sf


def test_first_and_second_derivative_of_x_squared():
    x = sf.constant(3.0)
    with sf.GradientTape() as outer:
        outer.watch(x)
        with sf.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        dy = inner.gradient(y, x)
    assert dy.numpy() == 6.0
    assert outer.gradient(dy, x).numpy() == 2.0


def test_higher_order_through_variables():
    v = sf.Variable(2.0)
    with sf.GradientTape() as t2:
        with sf.GradientTape() as t1:
            y = v * v * v
        d1 = t1.gradient(y, v)
    assert d1.numpy() == 12.0
    assert t2.gradient(d1, v).numpy() == 12.0  # 6v


def test_third_order_with_persistent_tape_recording_its_own_gradients():
    x = sf.constant(2.0)
    with sf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x ** 3
        d1 = t.gradient(y, x)
        d2 = t.gradient(d1, x)
    assert (d1.numpy(), d2.numpy(), t.gradient(d2, x).numpy()) == (12.0, 12.0, 6.0)


def test_trainable_variables_are_watched_when_read():
    w = sf.Variable([[1.0], [2.0]])
    frozen = sf.Variable(5.0, trainable=False)
    x = sf.constant([[3.0, 4.0]])
    with sf.GradientTape() as tape:
        loss = sf.reduce_sum(x @ w) * frozen
    assert tape.watched_variables() == (w,)
    gw, gf = tape.gradient(loss, [w, frozen])
    np.testing.assert_array_equal(gw.numpy(), [[15.0], [20.0]])
    assert gf is None


def test_watch_accessed_variables_false_records_only_watched():
    a, b = sf.Variable(1.0), sf.Variable(2.0)
    with sf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    assert tape.watched_variables() == (a,)
    ga, gb = tape.gradient(y, [a, b])
    assert ga.numpy() == 2.0 and gb is None


def test_non_persistent_tape_is_single_use():
    x = sf.constant(1.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_many_gradients():
    x = sf.constant(3.0)
    with sf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y, z = x * x, x * x * x
    assert tape.gradient(y, x).numpy() == 6.0
    assert tape.gradient(z, x).numpy() == 27.0


def test_unconnected_gradients_none_or_zero():
    x, u = sf.constant([1.0, 2.0]), sf.constant([5.0, 6.0])
    with sf.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        y = x * 2
    assert tape.gradient(y, u) is None
    np.testing.assert_array_equal(
        tape.gradient(y, u, unconnected_gradients=sf.UnconnectedGradients.ZERO).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(
        tape.gradient(y, u, unconnected_gradients="zero").numpy(), [0.0, 0.0])


def test_integer_sources_are_not_watched():
    i = sf.constant(3)
    with sf.GradientTape() as tape:
        tape.watch(i)
        y = sf.cast(i, sf.float32) * 2.0
    assert tape.gradient(y, i) is None


def test_unwatched_constants_are_not_recorded():
    x = sf.constant(2.0)
    with sf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    assert tape._entries == []


def test_gradient_of_target_wrt_itself_and_sum_over_targets():
    x = sf.constant([1.0, 2.0])
    with sf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * 3
        z = x * x
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(tape.gradient([y, z], x).numpy(), [5.0, 7.0])
    np.testing.assert_array_equal(tape.gradient(y, y).numpy(), [1.0, 1.0])


def test_gradient_wrt_intermediate():
    x = sf.constant(2.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        h = x * x
        y = h * h + h
    gh, gx = tape.gradient(y, [h, x])
    assert gh.numpy() == 9.0 and gx.numpy() == 36.0


def test_fan_out_is_aggregated():
    x = sf.constant(2.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        a = sf.sin(x)
        y = a * a + a + sf.exp(a)
    expected = (2 * np.sin(2.0) + 1 + np.exp(np.sin(2.0))) * np.cos(2.0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expected, rtol=1e-6)


def test_nested_structures_and_output_gradients():
    x, y = sf.constant(1.0), sf.constant(2.0)
    with sf.GradientTape() as tape:
        tape.watch([x, y])
        out = {"p": x * y, "q": (x + y, y * y)}
    g = tape.gradient(out, {"a": x, "b": [y]},
                      output_gradients={"p": 1.0, "q": (2.0, 3.0)})
    assert set(g) == {"a", "b"} and isinstance(g["b"], list)
    assert g["a"].numpy() == 2.0 + 2.0           # y + 2
    assert g["b"][0].numpy() == 1.0 + 2.0 + 12.0  # x + 2 + 3*2y


def test_stop_gradient_and_stop_recording():
    x = sf.constant(3.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = x * sf.stop_gradient(x)
        with tape.stop_recording():
            z = x * x
        y = y + z
    assert tape.gradient(y, x).numpy() == 3.0


def test_stop_recording_pauses_only_that_tape():
    x = sf.constant(3.0)
    with sf.GradientTape() as outer:
        outer.watch(x)
        with sf.GradientTape() as inner:
            inner.watch(x)
            with inner.stop_recording():
                y = x * x
        assert inner.gradient(y, x) is None
    assert outer.gradient(y, x).numpy() == 6.0


def test_reset_forgets_recorded_ops():
    x = sf.constant(3.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * 5
    assert tape.gradient(z, x).numpy() == 5.0


def test_assign_cuts_the_chain():
    v = sf.Variable(1.0)
    x = sf.constant(4.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        v.assign(x * 2)
        y = v * 3
    gx, gv = tape.gradient(y, [x, v])
    assert gx is None and gv.numpy() == 3.0


def test_jacobian_and_batch_jacobian():
    x = sf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = sf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with sf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = sf.tanh(x @ w)                # [2, 3]
    j = tape.jacobian(y, x)               # [2, 3, 2, 2]
    assert j.shape == (2, 3, 2, 2)
    d = 1 - np.tanh(x.numpy() @ w.numpy()) ** 2
    expected = np.zeros((2, 3, 2, 2), np.float32)
    for b in range(2):
        for i in range(3):
            expected[b, i, b, :] = d[b, i] * w.numpy()[:, i]
    np.testing.assert_allclose(j.numpy(), expected, rtol=1e-5)
    bj = tape.batch_jacobian(y, x)        # [2, 3, 2]
    np.testing.assert_allclose(bj.numpy(), np.stack([expected[b, :, b, :] for b in range(2)]), rtol=1e-5)


def test_jacobian_on_non_persistent_tape_once():
    x = sf.constant([1.0, 2.0])
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.jacobian(y, x).numpy(), [[2.0, 0.0], [0.0, 4.0]])
    with pytest.raises(RuntimeError):
        tape.jacobian(y, x)


def test_custom_gradient_replaces_the_rule():
    @sf.custom_gradient
    def clip_grad(x):
        return sf.identity(x), lambda dy: sf.clip_by_value(dy, -1.0, 1.0)

    x = sf.constant([1.0, 2.0])
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = sf.reduce_sum(clip_grad(x) * 10.0) + sf.reduce_sum(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 2.0])


def test_custom_gradient_log1pexp_is_stable_and_second_order():
    @sf.custom_gradient
    def log1pexp(x):
        e = sf.exp(x)
        return sf.math.log1p(e), lambda dy: dy * (1 - 1 / (1 + e))

    x = sf.constant(100.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert tape.gradient(y, x).numpy() == 1.0   # exp(100) overflows; the rule does not
    x = sf.constant(2.0, sf.float64)
    with sf.GradientTape() as outer:
        outer.watch(x)
        with sf.GradientTape() as tape:
            tape.watch(x)
            y = log1pexp(x)
        g = tape.gradient(y, x)
    s = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), s * (1 - s), rtol=1e-12)


def test_custom_gradient_with_variables():
    w = sf.Variable(3.0)

    @sf.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            return [dy * w], [dy * x * 100.0]
        return x * w, grad

    x = sf.constant(2.0)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gw = tape.gradient(y, [x, w])
    assert gx.numpy() == 3.0 and gw.numpy() == 200.0


def test_custom_gradient_needs_variables_argument_when_reading_variables():
    w = sf.Variable(3.0)

    @sf.custom_gradient
    def f(x):
        return x * w, lambda dy: dy

    with sf.GradientTape() as tape:
        with pytest.raises(TypeError, match="variables"):
            f(sf.constant(1.0))


def test_recompute_grad_matches_plain_gradients():
    w = sf.Variable([[0.5, -1.0], [2.0, 0.3]])
    block = sf.recompute_grad(lambda x: sf.tanh(x @ w))
    x = sf.constant([[1.0, 2.0]])
    grads = []
    for f in (block, lambda x: sf.tanh(x @ w)):
        with sf.GradientTape() as tape:
            tape.watch(x)
            y = sf.reduce_sum(f(x) ** 2)
        grads.append([g.numpy() for g in tape.gradient(y, [x, w])])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_eager_python_control_flow_is_differentiated():
    x = sf.constant(1.5)
    with sf.GradientTape() as tape:
        tape.watch(x)
        y = x
        while y < 10.0:
            y = y * x
        y = sf.cond(y > 5.0, lambda: y * 2.0, lambda: y)
    assert tape.gradient(y, x).numpy() == pytest.approx(2 * 6 * 1.5 ** 5, rel=1e-6)  # y = 2 x^6
