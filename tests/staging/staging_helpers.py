"""Shared helpers for staging tests."""
import functools
import os
import subprocess
import sys

import pytest


def has_ops(*names) -> bool:
    from strataflow.staging.graph import mlir_context

    ctx = mlir_context()
    return all(ctx.is_registered_operation(n) for n in names)


def requires(*names):
    """Skips a test until the dialect has `names` (ops arrive from other branches)."""
    return pytest.mark.skipif(not has_ops(*names), reason=f"dialect lacks {', '.join(names)}")


_BOOL_STATE_PROBE = """
import numpy as np, strataflow as sf
@sf.function
def f(n):
    stop = False
    i = 0
    while i < n and not stop:
        i += 1
        if i > 3:
            stop = True
    return i
assert f(sf.constant(np.int32(10))).numpy() == 4
"""


@functools.lru_cache(maxsize=None)
def bool_state_compiles() -> bool:
    """Whether bool tensors that live in memory (loop/branch state) compile.

    MLIR 22.1.8 aborts the process lowering a `memref<...xi1>` load, so the
    probe runs in a subprocess."""
    if not has_ops("sf.less", "sf.greater", "sf.logical_not", "sf.logical_and"):
        return False
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-c", _BOOL_STATE_PROBE], env=env,
                            capture_output=True, timeout=300)
    return result.returncode == 0


def requires_bool_state(fn):
    """For tests whose staged code keeps bool tensors in memory (break/return
    flags, `and`/`or` on tensors): skipped while that aborts the compiler."""
    @functools.wraps(fn)
    def test(*args, **kwargs):
        if not bool_state_compiles():
            pytest.skip("bool tensors in memory abort MLIR's memref-to-llvm (memref<i1> load); "
                        "the pipeline must store bools as i8")
        return fn(*args, **kwargs)
    return test
