"""The same workloads in JAX (jax.jit on the CPU), measured in the same run
as ours when JAX is installed (`pip install jax`); every function returns
None without it.

    >>> from jax_peer import matmul_many_us   # doctest: +SKIP
"""
from __future__ import annotations

import os
import time
import timeit

import numpy as np

os.environ.setdefault("JAX_PLATFORMS", "cpu")
try:
    import jax
    import jax.numpy as jnp
except ImportError:  # the peer is optional
    jax = None


def _best_us(fn, number, repeat=5) -> float:
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def jit(fn):
    """jax.jit(fn), or None without JAX."""
    return None if jax is None else jax.jit(fn)


def device_put(arrays):
    return [jax.device_put(a) for a in arrays]


def fused_reduction(x):
    return jnp.sum(jax.nn.relu(2 * x + 1) * jax.nn.sigmoid(x), axis=-1)


def conv2d_nhwc_same(x, w):
    return jax.lax.conv_general_dilated(x, w, (1, 1), "SAME",
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))


def matmul_many_us(x: np.ndarray, w: np.ndarray) -> float | None:
    """100 chained 2x2 matmuls in a fori_loop, per call (the seed's example)."""
    if jax is None:
        return None
    wj = jnp.asarray(w)
    f = jax.jit(lambda v: jax.lax.fori_loop(0, 100, lambda _, a: a @ wj, v))
    xj = jnp.asarray(x)
    return _best_us(lambda: f(xj).block_until_ready(), number=2000)


def plus_one_us() -> float | None:
    """Per-call overhead of a jitted `x + 1` on a scalar."""
    if jax is None:
        return None
    f = jax.jit(lambda v: v + 1.0)
    s = jnp.float32(1.0)
    return _best_us(lambda: f(s).block_until_ready(), number=20000)


def ten_ops_first_call_ms(fn, a: np.ndarray) -> float | None:
    """Trace + compile + run of `fn` (written with operators) on a fresh jit."""
    if jax is None:
        return None
    aj = jnp.asarray(a)
    t0 = time.perf_counter()
    jax.jit(fn)(aj, aj).block_until_ready()
    return (time.perf_counter() - t0) * 1e3


def mlp_step(params, x, y, lr):
    """(first step ms, run) of the MLP SGD step, or None without JAX:
    `run(steps)` takes that many steps and returns steps/s."""
    if jax is None:
        return None

    def loss_fn(ps, xb, yb):
        h = xb
        for i in range(0, len(ps) - 2, 2):
            h = jax.nn.relu(h @ ps[i] + ps[i + 1])
        logits = h @ ps[-2] + ps[-1]
        return jnp.mean(jax.nn.logsumexp(logits, axis=1)
                        - jnp.take_along_axis(logits, yb[:, None], axis=1)[:, 0])

    @jax.jit
    def step(ps, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(ps, xb, yb)
        return [p - lr * g for p, g in zip(ps, grads)], loss

    ps = [jnp.asarray(p) for p in params]
    xj, yj = jnp.asarray(x), jnp.asarray(y)
    t0 = time.perf_counter()
    ps, loss = step(ps, xj, yj)
    loss.block_until_ready()
    first_ms = (time.perf_counter() - t0) * 1e3
    state = [ps]

    def run(steps: int) -> float:
        t0 = time.perf_counter()
        for _ in range(steps):
            state[0], loss = step(state[0], xj, yj)
        loss.block_until_ready()
        return steps / (time.perf_counter() - t0)

    return first_ms, run


def conv_grads(x, w):
    """(first call ms, gradient fn) of sum(conv2d(x, w)^2) with respect to x
    and w, or None without JAX: `fn()` returns the two gradients, ready."""
    if jax is None:
        return None
    grads = jax.jit(jax.grad(lambda x, w: jnp.sum(conv2d_nhwc_same(x, w) ** 2), argnums=(0, 1)))
    xj, wj = jnp.asarray(x), jnp.asarray(w)
    t0 = time.perf_counter()
    jax.block_until_ready(grads(xj, wj))
    first_ms = (time.perf_counter() - t0) * 1e3
    return first_ms, lambda: jax.block_until_ready(grads(xj, wj))
