"""The precompiled GEMM (libsf_kernels, lib/Kernels/gemm.py) against NumPy.

Optimized compiles call it for f32 matmuls (`sf-cpu-gemm-to-call`). Each
layout of the operands (plain, transposed, strided views) takes its own
packing path; shapes cover whole register tiles (6x16 AVX2) and not,
primes, size 1, K split into several blocks, one and two threads.
"""
import itertools
import re

import numpy as np
import pytest
from mlir import ir

import linalg_kernels as K
from strataflow import compiler, config
from strataflow.compiler import host, native_libs

TARGET = host.vector_target()
pytestmark = pytest.mark.skipif(
    not native_libs.kernels_usable(TARGET), reason="libsf_kernels not built or not runnable here"
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path):
    config.set_compile_cache_dir(tmp_path / "cache")
    yield
    config.set_compile_cache_dir(None)
    config.set_kernels_enabled(True)
    config.threading.set_intra_op_parallelism_threads(0)


def compile_f(text, threads):
    config.threading.set_intra_op_parallelism_threads(threads)
    with compiler.new_context():
        return compiler.compile_module(ir.Module.parse(text), "f")


def assert_matmul_close(got, want, k):
    # f32 sums of k products: error grows like sqrt(k)
    tol = 2e-6 * max(1.0, k) ** 0.5
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * max(1.0, float(np.abs(want).max(initial=0))))


def lowered_loops(text, options):
    with compiler.new_context():
        return str(compiler.lower(ir.Module.parse(text), "loops", options))


LAYOUTS = list(itertools.product([False, True], repeat=2))


@pytest.mark.parametrize("transpose_a,transpose_b", LAYOUTS, ids=["NN", "NT", "TN", "TT"])
@pytest.mark.parametrize("m,n,k", [(64, 64, 64), (97, 131, 257), (128, 256, 784), (193, 96, 300)])
@pytest.mark.parametrize("threads", [1, 2])
def test_layouts_static(transpose_a, transpose_b, m, n, k, threads):
    text, ref, shapes = K.matmul_layouts(m, n, k, transpose_a, transpose_b)
    rng = np.random.default_rng(m * n + k)
    a, b = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    got = compile_f(text, threads)(a, b)[0]
    assert_matmul_close(got, ref(a.astype(np.float64), b.astype(np.float64)), k)


@pytest.mark.parametrize("transpose_a,transpose_b", LAYOUTS, ids=["NN", "NT", "TN", "TT"])
@pytest.mark.parametrize("threads", [1, 2])
def test_layouts_dynamic_every_edge(transpose_a, transpose_b, threads):
    # Dynamic sizes always take the kernel, however small: size 1, fewer
    # rows than a register tile, partial tiles in both dims, one K block,
    # several K blocks of equal size (K blocks: 256 on AVX2, 1024 on AVX-512).
    text, ref, _ = K.matmul_layouts(0, 0, 0, transpose_a, transpose_b, dynamic=True)
    fn = compile_f(text, threads)
    rng = np.random.default_rng(7)
    for m, n, k in [(1, 1, 1), (1, 33, 5), (5, 1, 9), (6, 16, 8), (7, 17, 13), (13, 47, 257), (61, 3, 600), (37, 70, 2100)]:
        a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(np.float32)
        got = fn(a, b)[0]
        assert got.shape == (m, n)
        assert_matmul_close(got, ref(a.astype(np.float64), b.astype(np.float64)), k)


ACCUMULATE = """
func.func @f(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>)
                     outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}"""


@pytest.mark.parametrize("threads", [1, 2])
def test_beta_zero_and_one(threads):
    # A matmul into zeros is a call with beta = 0 (C only written); into
    # another value, beta = 1 (C += A B), C's old value read once per tile.
    zero_init = K.matmul_layouts(0, 0, 0, False, False, dynamic=True)[0]
    assert re.search(r"call @sf_gemm\w*\(.*, %c0\)", lowered_loops(zero_init, f"optimize=1 target={TARGET}"))
    fn = compile_f(ACCUMULATE, threads)
    rng = np.random.default_rng(11)
    for m, n, k in [(1, 1, 1), (7, 17, 13), (61, 40, 600), (19, 33, 2100)]:
        a, b, c = (rng.standard_normal(s).astype(np.float32) for s in [(m, k), (k, n), (m, n)])
        got = fn(a, b, c)[0]
        assert_matmul_close(got, c + a.astype(np.float64) @ b.astype(np.float64), k)
        np.testing.assert_array_equal(c, fn(a[:, :0], b[:0], c)[0])  # K = 0: C unchanged
    zeros = compile_f(zero_init, threads)
    np.testing.assert_array_equal(zeros(np.ones((5, 0), np.float32), np.ones((0, 3), np.float32))[0],
                                  np.zeros((5, 3)))  # K = 0, beta = 0: the kernel zeroes C


STRIDED = """
func.func @f(%a: tensor<50x130xf32>, %b: tensor<64x90xf32>) -> tensor<48x70xf32> {
  // A: every other column (no unit stride); B: a window with an offset
  %as = tensor.extract_slice %a[1, 1] [48, 64] [1, 2] : tensor<50x130xf32> to tensor<48x64xf32>
  %bs = tensor.extract_slice %b[0, 7] [64, 70] [1, 1] : tensor<64x90xf32> to tensor<64x70xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<48x70xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<48x70xf32>) -> tensor<48x70xf32>
  %r = linalg.matmul ins(%as, %bs : tensor<48x64xf32>, tensor<64x70xf32>)
                     outs(%init : tensor<48x70xf32>) -> tensor<48x70xf32>
  return %r : tensor<48x70xf32>
}"""


@pytest.mark.parametrize("threads", [1, 2])
def test_strided_views(threads):
    assert "call @sf_gemm_f32" in lowered_loops(STRIDED, f"optimize=1 target={TARGET}")
    rng = np.random.default_rng(3)
    a = rng.standard_normal((50, 130)).astype(np.float32)
    b = rng.standard_normal((64, 90)).astype(np.float32)
    got = compile_f(STRIDED, threads)(a, b)[0]
    want = a[1:49, 1:129:2].astype(np.float64) @ b[:, 7:77].astype(np.float64)
    assert_matmul_close(got, want, 64)


def test_which_matmuls_call_the_kernel():
    big = K.matmul(64, 64, 64)[0]
    options = f"optimize=1 target={TARGET}"
    assert f"call @sf_gemm_f32_{TARGET}_st" in lowered_loops(big, options + " threads=1")
    assert f"call @sf_gemm_f32_{TARGET}_mt" in lowered_loops(big, options + " threads=2")
    dynamic = K.matmul_dynamic()[0]
    assert "call @sf_gemm_f32" in lowered_loops(dynamic, options)
    # compiled inline: tiny, f64, not optimizing, kernels switched off
    assert "sf_gemm" not in lowered_loops(K.matmul(8, 8, 8)[0], options)
    assert "sf_gemm" not in lowered_loops(K.matmul(64, 64, 64, np.float64)[0], options)
    assert "sf_gemm" not in lowered_loops(big, "")
    assert "sf_gemm" not in lowered_loops(big, options + " kernels=0")


@pytest.mark.parametrize("m,n,k", [(97, 131, 257), (50, 48, 33)])
def test_inline_schedule_when_kernels_are_off(m, n, k):
    config.set_kernels_enabled(False)
    text, ref, shapes = K.matmul(m, n, k)
    rng = np.random.default_rng(5)
    a, b = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    fn = compile_f(text, 2)
    assert_matmul_close(fn(a, b)[0], ref(a.astype(np.float64), b.astype(np.float64)), k)
