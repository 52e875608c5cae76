"""sf.function costs, in one run: loops staged vs eager, per-call overhead,
first-call latency.

    PYTHONPATH=python python benchmarks/staging.py

* matmul_many: 100 chained 2x2 matmuls over `sf.range(100)` (the seed's
  example), eager vs staged (one `sf.while`); ratio eager / staged.
* call overhead: staged `x + 1` on a scalar (goal < 5 us; jax.jit ~4-5 us
  on these machines), next to the bare compiled call and eager `x + 1`.
* first call: trace + compile of a 10-op function (goal < 50 ms).

With JAX installed, each line is followed by jax.jit's number from the same
run (benchmarks/jax_peer.py).
"""
import tempfile
import time
import timeit

import numpy as np

import jax_peer
import strataflow as sf
from strataflow.compiler import cache as compiler_cache


def best_us(fn, number, repeat=5) -> float:
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


W = sf.constant(np.array([[0.6, -0.8], [0.8, 0.6]], np.float32))  # a rotation: stays bounded


def matmul_many(x):
    for _ in sf.range(100):
        x = sf.matmul(x, W)
    return x


def ten_ops(x, y):
    a = x + y
    b = a * x
    c = b - y
    d = c * c
    e = d + 1.0
    f = e / 2.0
    g = f - a
    h = g * b
    i = h + c
    return i * 0.5


def main() -> None:
    x = sf.constant(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    staged = sf.function(matmul_many)
    np.testing.assert_allclose(staged(x).numpy(), matmul_many(x).numpy(), rtol=1e-4)
    compiler_cache.wait_for_writes()  # the disk cache's linker, not timed along
    eager_us = best_us(lambda: matmul_many(x), number=20)
    staged_us = best_us(lambda: staged(x), number=2000)
    print(f"matmul_many (100 x 2x2 matmul): eager {eager_us:9.1f} us   staged {staged_us:7.1f} us"
          f"   eager/staged {eager_us / staged_us:6.1f}x")
    jax_us = jax_peer.matmul_many_us(x.numpy(), W.numpy())
    if jax_us is not None:
        print(f"  jax.jit + fori_loop, same run: {jax_us:7.1f} us   (jax / staged {jax_us / staged_us:.2f}x)")

    s = sf.constant(np.float32(1.0))
    plus_one = sf.function(lambda v: v + 1.0)
    assert plus_one(s).numpy() == 2.0
    compiler_cache.wait_for_writes()
    cf = plus_one.get_concrete_function(s)
    executor = cf._compiled
    raw = [s.numpy()]
    call_us = best_us(lambda: plus_one(s), number=20000)
    exec_us = best_us(lambda: executor.call_one(raw), number=20000)
    bare_us = best_us(lambda: executor._cfunc(executor._packed), number=20000)
    eager_add_us = best_us(lambda: s + 1.0, number=20000)
    print(f"staged x+1 call: {call_us:5.2f} us   (executor {exec_us:5.2f} us, bare ctypes call "
          f"{bare_us:5.2f} us; eager x+1 {eager_add_us:5.2f} us; goal < 5 us)")
    jax_us = jax_peer.plus_one_us()
    if jax_us is not None:
        print(f"  jax.jit x+1, same run: {jax_us:5.2f} us")

    # First call with an empty disk cache (cold), then in a fresh function
    # once the disk cache has the lowered module (as in a new process).
    a = sf.constant(np.ones((4, 4), np.float32))
    with tempfile.TemporaryDirectory() as cache_dir:
        sf.config.set_compile_cache_dir(cache_dir)
        for label in ("cold", "disk cache"):
            compiler_cache.wait_for_writes()  # as at the exit of the process that compiled
            compiler_cache.clear_memory_cache()
            f = sf.function(ten_ops)
            t0 = time.perf_counter()
            f.get_concrete_function(a, a)
            t1 = time.perf_counter()
            f(a, a)
            t2 = time.perf_counter()
            print(f"first call of a 10-op function ({label}): {(t2 - t0) * 1e3:6.1f} ms = trace "
                  f"{(t1 - t0) * 1e3:.1f} ms + compile {(t2 - t1) * 1e3:.1f} ms (goal < 50 ms)")
    jax_ms = jax_peer.ten_ops_first_call_ms(ten_ops, a.numpy())
    if jax_ms is not None:
        print(f"  jax.jit first call of the same function, same run: {jax_ms:6.1f} ms")


if __name__ == "__main__":
    main()
