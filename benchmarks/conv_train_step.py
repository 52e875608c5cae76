"""A conv layer's training work: the gradients of sum(conv2d(x, w)^2) with
respect to the input and the filter (NHWC 32x56x56x64, 3x3x64x64, SAME), one
staged function (forward conv, input-gradient conv, filter gradient), against
jax.jit in the same run when JAX is installed.

    PYTHONPATH=python python benchmarks/conv_train_step.py

Prints the first call (trace + compile + run, empty disk cache) and the best
of the steady calls, checks our gradients against jax's (or against our eager
ones), and writes JSON to benchmarks/results/.
"""
from __future__ import annotations

import json
import os
import tempfile
import time

import numpy as np

import jax_peer
import strataflow as sf
from strataflow.compiler import cache as compiler_cache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPE, FILTER = (32, 56, 56, 64), (3, 3, 64, 64)
MACS = 32 * 56 * 56 * 64 * 3 * 3 * 64  # per convolution; the step does three
REPEATS = 10


def grads(x, w):
    with sf.GradientTape() as tape:
        tape.watch([x, w])
        y = sf.nn.conv2d(x, w, 1, "SAME")
        loss = sf.reduce_sum(y * y)
    return tape.gradient(loss, [x, w])


def best_ms(fn) -> float:
    fn()
    time.sleep(0.25)  # the last contender's threads go idle
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    w = (rng.standard_normal(FILTER) * 0.05).astype(np.float32)
    xs, ws = sf.constant(x), sf.constant(w)
    with tempfile.TemporaryDirectory() as cache_dir:
        sf.config.set_compile_cache_dir(cache_dir)
        staged = sf.function(grads)
        t0 = time.perf_counter()
        dx, dw = staged(xs, ws)
        first_ms = (time.perf_counter() - t0) * 1e3
        compiler_cache.wait_for_writes()
        ours_ms = best_ms(lambda: [g.numpy() for g in staged(xs, ws)])
        sf.config.set_compile_cache_dir(None)

    peer = jax_peer.conv_grads(x, w)
    if peer is not None:
        ref = [np.asarray(g) for g in peer[1]()]
        peer_ms = best_ms(peer[1])
    else:
        ref = [g.numpy() for g in grads(xs, ws)]  # eager
    errors = [float(np.abs(g.numpy() - r).max() / np.abs(r).max()) for g, r in zip((dx, dw), ref)]
    gflops = 3 * 2 * MACS / ours_ms / 1e6
    print(f"conv2d gradients (x, w) of sum(conv2d(x, w)^2), x {SHAPE}, w {FILTER}")
    print(f"ours: first call {first_ms:.0f} ms (empty disk cache), then {ours_ms:.1f} ms "
          f"({gflops:.0f} GFLOP/s over the three convolutions)")
    print(f"max relative difference from {'jax' if peer else 'our eager'}: dx {errors[0]:.1e}, dw {errors[1]:.1e}")
    result = {"first_ms": first_ms, "ms": ours_ms, "gflops": gflops, "max_rel_diff": errors}
    if peer is not None:
        print(f"jax.jit, same run: first call {peer[0]:.0f} ms, then {peer_ms:.1f} ms "
              f"(jax / ours {peer_ms / ours_ms:.2f}x)")
        result.update(jax_first_ms=peer[0], jax_ms=peer_ms)
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    path = os.path.join(ROOT, "benchmarks", "results", f"conv_train_step-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
