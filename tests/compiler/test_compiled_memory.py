"""Results are caller-owned buffers: 10,000 calls must not grow the process."""
import gc

import numpy as np
from mlir import ir

import linalg_kernels as K
from strataflow import compiler, config


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_repeated_calls_do_not_leak():
    text, ref, shapes = K.matmul_bias_relu(64, 64, 64)
    config.threading.set_intra_op_parallelism_threads(2)
    try:
        with compiler.new_context():
            fn = compiler.compile_module(ir.Module.parse(text), "f")
    finally:
        config.threading.set_intra_op_parallelism_threads(0)
    args = [np.random.default_rng(0).standard_normal(s).astype(np.float32) for s in shapes]
    for _ in range(200):  # warm up allocators and caches
        fn(*args)
    gc.collect()
    before = _rss_bytes()
    for _ in range(10_000):
        (out,) = fn(*args)  # 16 KiB result each: a leak would be 160 MiB
    gc.collect()
    growth = _rss_bytes() - before
    np.testing.assert_allclose(out, ref(*args), rtol=1e-4, atol=1e-4)
    assert growth < 8 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"
