"""Libraries that compiled code calls are loaded into the global symbol scope
(with the GIL released, so a background thread can do it ahead of a compile)."""
import ctypes
import os
import subprocess
import sys

import numpy as np
import pytest

from strataflow.compiler import native_libs


def test_a_library_that_cannot_load_is_an_error_naming_it(tmp_path):
    missing = str(tmp_path / "libsf_missing.so")
    with pytest.raises(OSError, match="libsf_missing.so"):
        native_libs.load_global(missing)
    broken = tmp_path / "libsf_broken.so"
    broken.write_bytes(b"not an ELF file")
    with pytest.raises(OSError, match="libsf_broken.so"):
        native_libs.load_global(str(broken))


@pytest.mark.skipif(not os.path.exists(native_libs.KERNELS), reason="kernels not built")
def test_preloaded_kernels_are_in_the_global_scope():
    native_libs.preload(threads=1)
    process = ctypes.CDLL(None)
    assert process.sf_gemm_f32_avx2_st  # resolvable by name from anywhere
    native_libs.preload(threads=1)  # once is enough; again is a no-op


@pytest.mark.parametrize("shape, index", [
    ((4, 6), (slice(None), slice(1, 3))),                     # rows of 2, contiguous
    ((4, 6), (slice(None), slice(None, None, 2))),            # every other element
    ((3, 5, 7), (slice(1, None), slice(2, 5), slice(None))),  # 3-d, whole inner rows
    ((3, 5, 7), (slice(None), slice(None), slice(1, 6, 3))),  # 3-d, strided inner
    ((4, 6), (slice(None), slice(3, 3))),                     # empty
])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_strided_copies_run_our_memref_copy(shape, index, dtype):
    # A slice across rows is copied by `memrefCopy`, which our runtime
    # defines (upstream's library would load a second MLIR); its element
    # size is a run-time argument.
    import strataflow as sf

    x = (np.arange(np.prod(shape)) % 3).astype(dtype).reshape(shape)
    f = sf.function(lambda t: t[index])
    np.testing.assert_array_equal(f(x).numpy(), x[index])
    if index == (slice(None), slice(1, 3)):
        assert "memrefCopy" in f.get_concrete_function(x).ir("llvm")


def test_compiled_code_does_not_load_a_second_mlir():
    code = ("import numpy as np, strataflow as sf; "
            "f = sf.function(lambda x: x[:, 1:3] * 2.0); "
            "x = np.ones((4, 6), np.float32); assert (f(x).numpy() == 2).all(); "
            "maps = open('/proc/self/maps').read(); "
            "print('libMLIRPythonCAPI.so' in maps, '/libMLIR.so' in maps)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]

