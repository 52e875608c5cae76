"""The compile cache: memory per process, disk across processes, off switch,
corruption tolerance and concurrent writers."""
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from mlir import ir

import linalg_kernels as K
from strataflow import compiler, config
from strataflow.compiler import cache, jit

TEXT, REF, SHAPES = K.matmul(20, 32, 24)
needs_linker = pytest.mark.skipif(shutil.which("ld") is None,
                                  reason="no linker: machine code is not cached")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("STRATAFLOW_COMPILE_CACHE", raising=False)
    config.set_compile_cache_dir(tmp_path / "cache")
    config.threading.set_intra_op_parallelism_threads(1)
    cache.clear_memory_cache()
    yield tmp_path / "cache"
    cache.clear_memory_cache()
    config.set_compile_cache_dir(None)
    config.threading.set_intra_op_parallelism_threads(0)


def compile_fn(text=TEXT):
    with compiler.new_context():
        fn = compiler.compile_module(ir.Module.parse(text), "f")
    cache.wait_for_writes()
    return fn


def entries(root, suffix=".mlir"):
    return sorted(
        os.path.join(d, f) for d, _, files in os.walk(root) for f in files if f.endswith(suffix)
    )


def drop_machine_code(root):
    for path in entries(root, ".so"):
        os.remove(path)


def run_ok(fn):
    a, b = (np.random.default_rng(0).standard_normal(s).astype(np.float32) for s in SHAPES)
    np.testing.assert_allclose(fn(a, b)[0], REF(a, b), rtol=1e-5, atol=1e-5)


def test_memory_cache_reuses_engine():
    f1, f2 = compile_fn(), compile_fn()
    assert f1._engine is f2._engine
    run_ok(f2)


@needs_linker
def test_disk_cache_loads_machine_code(cache_dir, monkeypatch):
    run_ok(compile_fn())
    assert len(entries(cache_dir, ".so")) == 1
    cache.clear_memory_cache()

    def no_compile(*_):
        raise AssertionError("compiled although a shared object exists")

    monkeypatch.setattr(cache, "run_pipeline", no_compile)
    monkeypatch.setattr(jit, "_build_engine", no_compile)
    fn = compile_fn()
    assert isinstance(fn._engine, jit.SharedObjectEngine)
    run_ok(fn)


def test_disk_cache_skips_the_pipeline(cache_dir, monkeypatch):
    run_ok(compile_fn())
    assert len(entries(cache_dir)) == 1
    drop_machine_code(cache_dir)  # e.g. written where no linker is installed
    cache.clear_memory_cache()

    def no_pipeline(*_):
        raise AssertionError("pipeline ran although a disk entry exists")

    monkeypatch.setattr(cache, "run_pipeline", no_pipeline)
    run_ok(compile_fn())


def test_key_covers_pipeline_options(cache_dir):
    compile_fn()
    config.threading.set_intra_op_parallelism_threads(2)
    compile_fn()
    assert len(entries(cache_dir)) == 2


@pytest.mark.parametrize("kind", [".mlir", pytest.param(".so", marks=needs_linker)])
@pytest.mark.parametrize("damage", ["garbage", "truncate", "flip", "empty"])
def test_corrupt_entry_is_rebuilt(cache_dir, damage, kind):
    compile_fn()
    if kind == ".mlir":
        drop_machine_code(cache_dir)
    (path,) = entries(cache_dir, kind)
    data = open(path, "rb").read()
    broken = {
        "garbage": b"\x00\xffnot mlir at all",
        "truncate": data[: len(data) // 2],
        "flip": data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:],
        "empty": b"",
    }[damage]
    open(path, "wb").write(broken)
    cache.clear_memory_cache()
    run_ok(compile_fn())
    assert open(path, "rb").read() == data  # rewritten whole


def test_off_switch(cache_dir, monkeypatch):
    monkeypatch.setenv("STRATAFLOW_COMPILE_CACHE", "0")
    f1, f2 = compile_fn(), compile_fn()
    assert f1._engine is not f2._engine
    assert entries(cache_dir, "") == []
    run_ok(f1)


def test_unwritable_cache_dir_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    config.set_compile_cache_dir(blocker / "cache")
    run_ok(compile_fn())


def test_default_dir_follows_env(monkeypatch, tmp_path):
    config.set_compile_cache_dir(None)
    monkeypatch.setenv("STRATAFLOW_COMPILE_CACHE_DIR", str(tmp_path / "env"))
    assert config.get_compile_cache_dir() == str(tmp_path / "env")


def test_two_processes_compile_at_once(cache_dir):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        import numpy as np
        from mlir import ir
        import linalg_kernels as K
        from strataflow import compiler, config
        from strataflow.compiler import cache
        config.set_compile_cache_dir({str(cache_dir)!r})
        text, ref, shapes = K.matmul(20, 32, 24)
        for i in range(3):   # the same function and two others, racing
            with compiler.new_context():
                fn = compiler.compile_module(ir.Module.parse(K.matmul(20 + i, 32, 24)[0]), "f")
            cache.wait_for_writes()
            a = np.ones((20 + i, 24), np.float32); b = np.ones((24, 32), np.float32)
            assert np.allclose(fn(a, b)[0], 24.0)
        print("ok")
    """)
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    found = entries(cache_dir)
    assert len(found) == 3
    leftovers = [f for d, _, fs in os.walk(cache_dir) for f in fs if f.startswith(".tmp-")]
    assert leftovers == []
    for path in found:  # every entry whole and valid
        key = os.path.basename(path)[: -len(".mlir")]
        with compiler.new_context() as ctx:
            assert cache.load_lowered(key, ctx) is not None
        if shutil.which("ld"):
            engine = cache.load_object(key, lambda p: jit.SharedObjectEngine(p, jit.pipeline_threads()))
            assert isinstance(engine, jit.SharedObjectEngine)


def test_opt_level_by_size():
    assert cache.opt_level_for("x" * 1000) == 3
    assert cache.opt_level_for("x" * 50_000) == 2
    assert cache.opt_level_for("x" * 500_000) == 1


def test_code_that_calls_back_into_python_keeps_no_shared_object(cache_dir, capfd):
    import strataflow as sf

    f = sf.function(lambda x: sf.print("x =", x) or x + 1)
    np.testing.assert_array_equal(f(sf.constant([1, 2])).numpy(), [2, 3])
    cache.wait_for_writes()
    assert "x = [1 2]" in capfd.readouterr().err
    assert entries(cache_dir) and not entries(cache_dir, ".so")
