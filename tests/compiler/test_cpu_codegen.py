"""The optimizing CPU schedule (sf-cpu-tile-and-vectorize) against NumPy.

Shapes that divide the register tiles (6x16 AVX2, 8x32 AVX-512) and shapes
that do not (primes, size 1, K beyond a cache block), f32 and f64, one and two
threads. Every kernel is also compiled with naive loops (`optimize=False`) on
a few shapes to show both paths agree.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from mlir import ir

import linalg_kernels as K
from strataflow import compiler, config
from strataflow.compiler import host


@pytest.fixture(autouse=True)
def _isolated(tmp_path):
    config.set_compile_cache_dir(tmp_path / "cache")
    yield
    config.set_compile_cache_dir(None)
    config.threading.set_intra_op_parallelism_threads(0)


def compile_and_run(text, arrays, threads=1, optimize=True):
    config.threading.set_intra_op_parallelism_threads(threads)
    with compiler.new_context():
        fn = compiler.compile_module(ir.Module.parse(text), "f", optimize=optimize)
        return fn(*arrays)[0]


def inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def check(kernel, dtype, threads=1, optimize=True):
    text, ref, shapes = kernel
    arrays = inputs(shapes, dtype)
    got = compile_and_run(text, arrays, threads, optimize)
    want = ref(*[a.astype(np.float64) for a in arrays])
    scale = max(1.0, float(np.max(np.abs(want)))) if np.size(want) else 1.0
    tol = 2e-5 if dtype == np.float32 else 1e-12
    assert got.dtype == dtype and got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


MATMUL_SHAPES = [
    (1, 1, 1), (2, 3, 5), (6, 16, 7), (8, 32, 4), (7, 17, 13), (64, 64, 64),
    (50, 48, 33),        # N a multiple of the tile: packed right operand
    (97, 131, 257),      # primes; K one past a cache block
    (193, 96, 300),      # two thread blocks of rows, packed, K remainder
]


@pytest.mark.parametrize("m,n,k", MATMUL_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul(m, n, k, dtype):
    check(K.matmul(m, n, k, dtype), dtype)


@pytest.mark.parametrize("m,n,k", [(193, 96, 300), (300, 257, 64)])
def test_matmul_two_threads(m, n, k):
    check(K.matmul(m, n, k), np.float32, threads=2)


def test_matmul_dynamic_shapes():
    text, ref = K.matmul_dynamic()
    config.threading.set_intra_op_parallelism_threads(2)
    with compiler.new_context():
        fn = compiler.compile_module(ir.Module.parse(text), "f")
        for m, n, k in [(1, 1, 1), (5, 7, 3), (37, 50, 290), (200, 64, 16)]:
            a, b = inputs([(m, k), (k, n)], np.float32)
            np.testing.assert_allclose(fn(a, b)[0], ref(a, b), rtol=2e-5, atol=2e-5 * max(1, k ** 0.5))


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, 17, 33, 19), (4, 64, 32, 48)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_matmul(shape, dtype):
    check(K.batch_matmul(*shape, dtype), dtype, threads=2)


def test_matmul_with_elementwise_consumer():
    check(K.matmul_bias_relu(67, 80, 45), np.float32, threads=2)


@pytest.mark.parametrize("shape", [(1,), (7,), (1000,), (3, 5), (129, 1023), (2, 3, 37)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elementwise(shape, dtype):
    check(K.elementwise(shape, dtype), dtype, threads=2)


@pytest.mark.parametrize("shape,axes", [
    ((1, 1), [1]), ((5, 3), [1]), ((67, 1000), [1]), ((4096, 64), [1]),  # innermost: split
    ((1000, 67), [0]), ((31, 7, 33), [0, 2]),                          # outer / mixed
    ((257,), [0]), ((13, 71), [0, 1]),                                    # to a scalar
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_reduction(shape, axes, dtype):
    check(K.reduce(shape, axes, "sum_fused", dtype), dtype, threads=2)


@pytest.mark.parametrize("shape,axes", [((37, 129), [1]), ((129, 37), [0])])
def test_max_reduction(shape, axes):
    check(K.reduce(shape, axes, "max"), np.float32)


CONVS = [
    dict(n=1, h=1, w=1, c=1, kh=1, kw=1, f=1),
    dict(n=2, h=9, w=11, c=3, kh=3, kw=3, f=5),                # odd everything
    dict(n=2, h=14, w=14, c=16, kh=3, kw=3, f=32),             # divides the tiles
    dict(n=1, h=13, w=17, c=8, kh=3, kw=3, f=16, stride=2),    # strided
    dict(n=2, h=7, w=7, c=24, kh=1, kw=1, f=40),               # 1x1
    dict(n=1, h=10, w=10, c=4, kh=5, kw=5, f=6, padding="VALID"),
    # thread blocks that pad their own input window (edge blocks, partial tiles)
    dict(n=3, h=23, w=29, c=16, kh=3, kw=3, f=40),
    dict(n=2, h=31, w=19, c=8, kh=5, kw=3, f=24, stride=2),
]


@pytest.mark.parametrize("conv", CONVS, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_nhwc(conv, dtype):
    check(K.conv2d(**conv, dtype=dtype), dtype, threads=2)


@pytest.mark.parametrize("kind", ["max", "sum"])
@pytest.mark.parametrize("n,h,w,c,k,stride", [(1, 4, 4, 1, 2, 2), (2, 15, 13, 19, 3, 2), (2, 16, 16, 32, 2, 2)])
def test_pooling(kind, n, h, w, c, k, stride):
    check(K.pool(kind, n, h, w, c, k, stride), np.float32, threads=2)


@pytest.mark.parametrize("n,h,w,c,k", [(1, 5, 5, 3, 3), (2, 12, 12, 32, 3)])
def test_depthwise_conv(n, h, w, c, k):
    check(K.depthwise_conv(n, h, w, c, k), np.float32)


@pytest.mark.parametrize("kernel", [
    K.matmul(7, 17, 13), K.reduce((5, 3), [1]), K.conv2d(1, 5, 5, 2, 3, 3, 3), K.pool("max", 1, 4, 4, 3, 2, 2),
], ids=["matmul", "reduce", "conv", "pool"])
def test_naive_loops_agree(kernel):
    check(kernel, np.float32, optimize=False)


def test_host_target_and_pipeline():
    assert host.vector_target() in ("avx512", "avx2")
    config.threading.set_intra_op_parallelism_threads(3)
    from strataflow.compiler.jit import jit_pipeline

    from strataflow.compiler import native_libs

    kernels = int(native_libs.kernels_usable(host.vector_target(), 3))
    openmp = " openmp=1" if native_libs.openmp_runtime() else ""
    assert jit_pipeline(optimize=True) == (
        f"sf-lower-to-llvm{{optimize=1 target={host.vector_target()} threads=3 "
        f"kernels={kernels}{openmp}}}"
    )
    assert jit_pipeline(optimize=False) == "sf-lower-to-llvm"


def test_optimized_loops_are_vectorized():
    text, _, _ = K.matmul(64, 64, 64)
    with compiler.new_context():
        # kernels=0: compiled inline, not a call of the precompiled GEMM
        loops = str(compiler.lower(ir.Module.parse(text), "loops", "optimize=1 target=avx2 kernels=0"))
    assert "vector.fma" in loops  # the register tile: rows of FMAs
    assert "linalg." not in loops


def test_threads_setting_validation():
    with pytest.raises(ValueError):
        config.threading.set_intra_op_parallelism_threads(-1)
    config.threading.set_intra_op_parallelism_threads(1)
    assert config.threading.get_intra_op_parallelism_threads() == 1
    assert config.intra_op_threads() == 1


# Two nested parallel loops with two workers: if the inner one became async
# too, workers would block waiting on tasks that need a worker.
_NESTED_FORALL = """
func.func @f(%a: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %r = scf.forall (%i) in (8) shared_outs(%o = %e) -> tensor<64x64xf32> {
    %i8 = affine.apply affine_map<(d0) -> (d0 * 8)>(%i)
    %rows = tensor.extract_slice %a[%i8, 0] [8, 64] [1, 1] : tensor<64x64xf32> to tensor<8x64xf32>
    %oe = tensor.empty() : tensor<8x64xf32>
    %inner = scf.forall (%j) in (8) shared_outs(%p = %oe) -> tensor<8x64xf32> {
      %j8 = affine.apply affine_map<(d0) -> (d0 * 8)>(%j)
      %blk = tensor.extract_slice %rows[0, %j8] [8, 8] [1, 1] : tensor<8x64xf32> to tensor<8x8xf32>
      %be = tensor.empty() : tensor<8x8xf32>
      %sq = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                            iterator_types = ["parallel", "parallel"]} ins(%blk : tensor<8x8xf32>) outs(%be : tensor<8x8xf32>) {
      ^bb0(%x: f32, %y: f32):
        %m = arith.mulf %x, %x : f32
        linalg.yield %m : f32
      } -> tensor<8x8xf32>
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %sq into %p[0, %j8] [8, 8] [1, 1] : tensor<8x8xf32> into tensor<8x64xf32>
      }
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %inner into %o[%i8, 0] [8, 64] [1, 1] : tensor<8x64xf32> into tensor<64x64xf32>
    }
  }
  return %r : tensor<64x64xf32>
}
"""


def test_nested_parallel_loops_do_not_deadlock(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np
        from mlir import ir
        from strataflow import compiler, config
        config.set_compile_cache_dir({str(tmp_path)!r})
        config.threading.set_intra_op_parallelism_threads(2)
        with compiler.new_context():
            fn = compiler.compile_module(ir.Module.parse({_NESTED_FORALL!r}), "f")
        a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) / 100
        for _ in range(200):
            (r,) = fn(a)
        assert np.allclose(r, a * a)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize("threads,extra", [(1, False), (2, True)])
def test_threads_run_on_worker_threads(tmp_path, threads, extra):
    # a 256^3 matmul: the OpenMP kernel with 2 threads (or the async runtime
    # where OpenMP is missing), none with 1
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        import numpy as np
        from mlir import ir
        import linalg_kernels as K
        from strataflow import compiler, config
        config.set_compile_cache_dir({str(tmp_path)!r})
        config.threading.set_intra_op_parallelism_threads({threads})
        text, ref, shapes = K.matmul(256, 256, 256)
        with compiler.new_context():
            fn = compiler.compile_module(ir.Module.parse(text), "f")
        from strataflow.compiler import cache
        cache.wait_for_writes()  # the thread linking the cached .so
        before = set(os.listdir("/proc/self/task"))
        a, b = (np.ones(s, np.float32) for s in shapes)
        assert np.allclose(fn(a, b)[0], 256.0)
        # new thread ids (a count could hide a new worker behind an exited helper)
        print(bool(set(os.listdir("/proc/self/task")) - before))
    """)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(extra)


INT_MATMUL = """
func.func @f(%a: tensor<37x50xi32>, %b: tensor<50x64xi32>) -> tensor<37x64xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<37x64xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<37x64xi32>) -> tensor<37x64xi32>
  %r = linalg.matmul ins(%a, %b : tensor<37x50xi32>, tensor<50x64xi32>) outs(%c : tensor<37x64xi32>) -> tensor<37x64xi32>
  return %r : tensor<37x64xi32>
}"""

# select(x > y, x, y) on i8 (an i1 only in registers) and x > y as a bool
# result (i1 in memory: a byte per element, so that op is not vectorized).
INT8_MAX = """
#id = affine_map<(i, j) -> (i, j)>
func.func @f(%x: tensor<33x70xi8>, %y: tensor<33x70xi8>) -> tensor<33x70xi8> {
  %e = tensor.empty() : tensor<33x70xi8>
  %mx = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<33x70xi8>, tensor<33x70xi8>) outs(%e : tensor<33x70xi8>) {
  ^bb0(%a: i8, %b: i8, %o: i8):
    %c = arith.cmpi sgt, %a, %b : i8
    %s = arith.select %c, %a, %b : i8
    linalg.yield %s : i8
  } -> tensor<33x70xi8>
  return %mx : tensor<33x70xi8>
}"""

BOOL_RESULT = """
#id = affine_map<(i, j) -> (i, j)>
func.func @f(%x: tensor<33x70xi8>, %y: tensor<33x70xi8>) -> tensor<33x70xi1> {
  %e = tensor.empty() : tensor<33x70xi1>
  %gt = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<33x70xi8>, tensor<33x70xi8>) outs(%e : tensor<33x70xi1>) {
  ^bb0(%a: i8, %b: i8, %o: i1):
    %c = arith.cmpi sgt, %a, %b : i8
    linalg.yield %c : i1
  } -> tensor<33x70xi1>
  return %gt : tensor<33x70xi1>
}"""


def test_integer_matmul():
    rng = np.random.default_rng(1)
    a = rng.integers(-50, 50, (37, 50), dtype=np.int32)
    b = rng.integers(-50, 50, (50, 64), dtype=np.int32)
    np.testing.assert_array_equal(compile_and_run(INT_MATMUL, [a, b], threads=2), a @ b)


def test_int8_elementwise():
    rng = np.random.default_rng(2)
    x, y = (rng.integers(-100, 100, (33, 70), dtype=np.int8) for _ in range(2))
    np.testing.assert_array_equal(compile_and_run(INT8_MAX, [x, y], threads=2), np.maximum(x, y))


def test_bool_result(tmp_path):
    # In a subprocess: an i1 buffer reaching the LLVM lowering aborts.
    script = textwrap.dedent(f"""
        import numpy as np
        from mlir import ir
        from strataflow import compiler, config
        config.set_compile_cache_dir({str(tmp_path)!r})
        rng = np.random.default_rng(2)
        x, y = (rng.integers(-100, 100, (33, 70), dtype=np.int8) for _ in range(2))
        with compiler.new_context():
            (gt,) = compiler.compile_module(ir.Module.parse({BOOL_RESULT!r}), "f")(x, y)
        assert gt.dtype == np.bool_ and (gt == (x > y)).all()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.parametrize("kernel", [
    K.matmul(97, 64, 300), K.matmul(17, 33, 9), K.batch_matmul(2, 9, 40, 7),
    K.reduce((67, 1000), [1]), K.elementwise((5, 77)), K.conv2d(2, 9, 11, 3, 3, 3, 40),
    K.pool("max", 2, 15, 13, 19, 3, 2),
], ids=["matmul-packed", "matmul-odd", "batch", "reduce", "elementwise", "conv", "pool"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avx512_schedule(kernel, dtype, monkeypatch):
    """The AVX-512 tiles (8x32) are correct on any x86-64 host: LLVM splits
    512-bit vectors where the CPU lacks them."""
    monkeypatch.setattr(host, "vector_target", lambda: "avx512")
    text, ref, shapes = kernel
    if dtype == np.float64:
        text = text.replace("f32", "f64").replace("0xFF800000", "0xFFF0000000000000")
    check((text, ref, shapes), dtype, threads=2)


def test_parallel_code_survives_other_engines_dying(tmp_path):
    # An engine that loaded the async runtime through `shared_libs` would
    # delete the process-wide runtime when it dies; the next parallel loop
    # then crashes.
    script = textwrap.dedent(f"""
        import gc, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        import numpy as np
        from mlir import ir
        import linalg_kernels as K
        from strataflow import compiler, config
        from strataflow.compiler import cache
        config.set_compile_cache_dir({str(tmp_path)!r})
        config.threading.set_intra_op_parallelism_threads(2)
        for m in (256, 257, 258):
            text, ref, shapes = K.matmul(m, 128, 64)
            with compiler.new_context():
                fn = compiler.compile_module(ir.Module.parse(text), "f")
            a, b = (np.ones(s, np.float32) for s in shapes)
            assert np.allclose(fn(a, b)[0], 64.0)
            del fn
            cache.clear_memory_cache()
            gc.collect()
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
