"""Results are caller-owned buffers: 10,000 calls must not grow the process."""
import gc
import resource

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


def _minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def test_repeated_calls_reuse_freed_buffers():
    # Each call returns nine ~31 MiB results, 281 MiB in all, dropped at once
    # (like a train step's temporaries). glibc must keep such blocks in the
    # heap rather than give them back, or every call faults them in again
    # (12,000 faults per call with the earlier 256 MiB trim threshold).
    from strataflow.compiler import memref

    assert memref.keep_freed_memory(), "glibc refused the allocator settings"
    t = "tensor<2048x4000xf32>"
    names = [f"%y{i}" for i in range(9)]  # y_i = (i + 2) x
    body = "\n  ".join(f"{y} = sf.add {prev}, %x : {t}" for y, prev in zip(names, ["%x"] + names))
    text = (f"func.func @f(%x: {t}) -> ({', '.join([t] * 9)}) {{\n  {body}\n"
            f"  return {', '.join(names)} : {', '.join([t] * 9)}\n}}")
    with compiler.new_context():
        fn = compiler.compile_module(ir.Module.parse(text), "f")
    x = np.ones((2048, 4000), np.float32)
    for _ in range(2):
        fn(x)
    before = _minor_faults()
    for _ in range(3):
        fn(x)
    per_call = (_minor_faults() - before) / 3
    np.testing.assert_array_equal(fn(x)[8][:2, :2], 10.0)
    assert per_call < 2000, f"{per_call:.0f} page faults per call (31 MiB is 8000 pages)"
