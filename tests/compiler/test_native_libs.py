"""Libraries that compiled code calls are loaded into the global symbol scope
(with the GIL released, so a background thread can do it ahead of a compile)."""
import ctypes
import os

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
