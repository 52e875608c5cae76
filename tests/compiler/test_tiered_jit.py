"""Tiered compilation: a big function's first code is generated at LLVM opt
level 0, the optimized code in a background thread, then swapped in."""
import glob
import os
import shutil
import subprocess
import types

import numpy as np
import pytest

import strataflow as sf
from mlir import ir
from strataflow.compiler import cache, jit
from strataflow.compiler.context import new_context
from strataflow.framework.errors import CompilerFallbackWarning


@pytest.fixture
def tiered(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "TIER_UP_CHARS", 0)  # every function is "big"
    sf.config.set_compile_cache_dir(tmp_path)
    cache.clear_memory_cache()
    yield tmp_path
    cache.wait_for_writes()
    sf.config.set_compile_cache_dir(None)
    sf.config.set_tiered_compilation(True)


@pytest.fixture
def engines(monkeypatch):
    """Records how each engine is made, (`"str"` or `"Module"`, opt level),
    and fails those for which `engines.fail(kind, level)` is true."""
    create = jit._create_engine
    spy = types.SimpleNamespace(made=[], fail=lambda kind, level: False)

    def create_engine(module, opt_level, *args):
        kind = type(module).__name__
        spy.made.append((kind, opt_level))
        if spy.fail(kind, opt_level):
            raise jit.CompilationError("injected")
        return create(module, opt_level, *args)

    monkeypatch.setattr(jit, "_create_engine", create_engine)
    return spy


def inputs(seed):
    rng = np.random.default_rng(seed)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in [(64, 48), (48, 40)])
    return x, w, rng.standard_normal(40).astype(np.float32)


def step(x, w, b):
    h = sf.nn.relu(x @ w + b)
    return sf.reduce_sum(h * h, axis=1), sf.sigmoid(h)


def reference(x, w, b):
    h = np.maximum(x @ w + b, 0)
    return (h * h).sum(axis=1), 1 / (1 + np.exp(-h))


def test_quick_code_then_optimized_code_same_results(tiered):
    x, w, b = inputs(0)
    f = sf.function(step)
    first = [t.numpy() for t in f(x, w, b)]
    engine = f.get_concrete_function(x, w, b)._compiled._compiled._engine
    assert isinstance(engine, jit.TieredEngine)
    cache.wait_for_writes()
    assert engine.version == 1  # the optimized code is in
    second = [t.numpy() for t in f(x, w, b)]
    for got, again, want in zip(first, second, reference(x, w, b)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)
        np.testing.assert_allclose(again, want, rtol=2e-5, atol=1e-5)
    # the optimized code, not the quick one, went to the disk cache
    assert glob.glob(os.path.join(tiered, "*", "*.so"))


def test_compiled_function_calls_rebind(tiered):
    from mlir import ir

    from strataflow import compiler

    text = """
    func.func @f(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
      %c = sf.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
      %d = sf.exp %c : tensor<64x64xf32>
      return %d : tensor<64x64xf32>
    }"""
    with compiler.new_context():
        fn = compiler.compile_module(ir.Module.parse(text), "f")
    a = np.full((64, 64), 0.01, np.float32)
    quick = fn.current()
    np.testing.assert_allclose(fn(a, a)[0], np.exp(a @ a), rtol=1e-5)
    cache.wait_for_writes()
    np.testing.assert_allclose(fn(a, a)[0], np.exp(a @ a), rtol=1e-5)
    assert fn.current() is not quick and fn.tiering is None


def test_switched_off(tiered):
    sf.config.set_tiered_compilation(False)
    f = sf.function(step)
    x = np.ones((8, 8), np.float32)
    f(x, x, np.ones(8, np.float32))
    engine = f.get_concrete_function(x, x, np.ones(8, np.float32))._compiled._compiled._engine
    assert not isinstance(engine, jit.TieredEngine)


def test_heavy_contractions_compile_once():
    """Convolutions and non-kernel matmuls count their multiply-adds (the
    first tier's code would run them ~30x slower than it saves); kernel
    matmuls and dynamic shapes count nothing."""
    conv = ("%y = sf.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1]"
            " : (tensor<8x16x16x32xf32>, tensor<3x3x32x64xf32>) -> tensor<8x16x16x64xf32>")
    f64 = "%c = sf.matmul %a, %b : (tensor<64x128xf64>, tensor<128x32xf64>) -> tensor<64x32xf64>"
    at_b = ("%c = sf.batch_matmul %a, %b {transpose_a = true}"
            " : (tensor<4x128x64xf32>, tensor<4x128x32xf32>) -> tensor<4x64x32xf32>")
    kernel = "%c = sf.matmul %a, %b : (tensor<64x128xf32>, tensor<128x32xf32>) -> tensor<64x32xf32>"
    dynamic = "%c = sf.matmul %a, %b : (tensor<?x128xf64>, tensor<128x32xf64>) -> tensor<?x32xf64>"
    assert cache.compiled_macs(conv) == 8 * 16 * 16 * 64 * (3 * 3 * 32)
    assert cache.compiled_macs(f64) == 64 * 32 * 128
    assert cache.compiled_macs(at_b) == 4 * 64 * 32 * 128
    assert cache.compiled_macs(kernel) == cache.compiled_macs(dynamic) == 0
    assert cache.compiled_macs("\n".join([conv, f64, kernel])) == (
        cache.compiled_macs(conv) + cache.compiled_macs(f64))


def test_heavy_function_is_not_tiered(tiered, monkeypatch):
    macs = 8 * 8 * 5 * 4  # the conv's
    monkeypatch.setattr(cache, "TIER_UP_MAX_MACS", macs)
    x = np.ones((1, 8, 8, 4), np.float32)
    w = np.ones((1, 1, 4, 5), np.float32)
    f = sf.function(lambda x, w: sf.nn.relu(sf.nn.conv2d(x, w, 1, "VALID")))
    np.testing.assert_allclose(f(x, w).numpy(), np.full((1, 8, 8, 5), 4.0))
    engine = f.get_concrete_function(x, w)._compiled._compiled._engine
    assert not isinstance(engine, jit.TieredEngine)
    monkeypatch.setattr(cache, "TIER_UP_MAX_MACS", macs + 1)
    # another function: the first one's engine is in the memory cache
    f = sf.function(lambda x, w: sf.nn.relu(sf.nn.conv2d(x, w, 1, "VALID")) + 1.0)
    f(x, w)
    assert isinstance(f.get_concrete_function(x, w)._compiled._compiled._engine, jit.TieredEngine)


def test_small_call_path_rebinds(tiered):
    f = sf.function(lambda x: x * 2.0 + 1.0)  # one small result: the C++ call path
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(f(x).numpy(), x * 2 + 1)
    executor = f.get_concrete_function(x)._compiled
    assert executor.simple and executor._tiering is not None
    cache.wait_for_writes()
    np.testing.assert_array_equal(f(x).numpy(), x * 2 + 1)
    assert executor._tiering is None  # rebound to the optimized code


def _llvm_tool(name):
    import mlir

    path = os.path.join(os.path.dirname(list(mlir.__path__)[0]), "llvm", "bin", name)
    return path if os.path.exists(path) else shutil.which(name)


def test_opt_level_zero_really_skips_the_optimizing_code_generator(tmp_path):
    # Upstream's binding generates machine code at level 2 whatever level it
    # is given. Instruction selection at level 0 (FastISel) keeps a division
    # by a constant a `div`; the optimizing selector turns it into a multiply.
    objdump = _llvm_tool("llvm-objdump")
    if objdump is None:
        pytest.skip("llvm-objdump not installed")
    text = """llvm.func @f(%x: i64) -> i64 {
      %c = llvm.mlir.constant(7 : i64) : i64
      %q = llvm.udiv %x, %c : i64
      llvm.return %q : i64
    }"""
    listings = {}
    for level in (0, 2):
        engine = jit._create_engine(ir.Module.parse(text, context=new_context()), level, "f")
        assert engine.raw_lookup("f")
        obj = str(tmp_path / f"o{level}.o")
        engine.dump_to_object_file(obj)
        listings[level] = subprocess.run([objdump, "-d", obj], capture_output=True,
                                         text=True, check=True).stdout
    assert "div" in listings[0]
    assert "div" not in listings[2] and "mul" in listings[2]


def test_a_failed_tier_up_warns_and_keeps_the_first_tier(tiered, engines):
    engines.fail = lambda kind, level: level > 0  # the first tier is made at level 0
    x, w, b = inputs(1)
    f = sf.function(step)
    with pytest.warns(CompilerFallbackWarning, match="first-tier code keeps running"):
        first = [t.numpy() for t in f(x, w, b)]
        cache.wait_for_writes()
    again = [t.numpy() for t in f(x, w, b)]
    assert f.get_concrete_function(x, w, b)._compiled._compiled._engine.version == 0
    for got, want in zip(first + again, reference(x, w, b) * 2):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)


def test_compiles_from_text_keep_working_as_contexts_are_recycled():
    # Compiles from text share pooled native contexts, each retired after
    # 64 compiles (a context keeps what its compiles created).
    import ctypes

    for n in range(150):
        text = f"""llvm.func @add_{n}(%x: i64) -> i64 {{
          %c = llvm.mlir.constant({n} : i64) : i64
          %y = llvm.add %x, %c : i64
          llvm.return %y : i64
        }}"""
        engine = jit._create_engine(text, 0, f"add_{n}")
        address = engine.raw_lookup(f"add_{n}")
        # the packed wrapper: void f(void **args), results after arguments
        x, y = ctypes.c_int64(1000), ctypes.c_int64(0)
        args = (ctypes.c_void_p * 2)(ctypes.addressof(x), ctypes.addressof(y))
        ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)(args)
        assert y.value == 1000 + n


def test_a_first_tier_that_fails_from_text_is_made_in_the_functions_context(tiered, engines):
    # The quick code is made from the module's text natively; where that
    # fails, it is made again from the function's own module, which reports
    # errors with their source locations.
    engines.fail = lambda kind, level: kind == "str" and level == 0
    x, w, b = inputs(2)
    first = [t.numpy() for t in sf.function(step)(x, w, b)]
    cache.wait_for_writes()
    assert ("str", 0) in engines.made and ("Module", 0) in engines.made
    for got, want in zip(first, reference(x, w, b)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)


def test_both_tiers_compile_from_text(tiered, engines):
    x = np.ones((8, 8), np.float32)
    sf.function(step)(x, x, np.ones(8, np.float32))
    cache.wait_for_writes()
    kinds = {kind for kind, _ in engines.made}
    levels = {level for _, level in engines.made}
    assert kinds == {"str"} and 0 in levels and max(levels) > 0
