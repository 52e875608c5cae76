"""The package finds its built files (kernels, sf-opt) wherever the build put
them: next to the native module, which an editable install keeps apart from
the Python sources."""
import os
import platform

import pytest

import strataflow._sfnative as native
from strataflow import tools
from strataflow.compiler import native_libs


def test_built_files_are_found_next_to_the_native_module():
    built = os.path.dirname(native.__file__)
    assert tools.native_dir() == built
    assert os.path.isfile(tools.sf_opt_path())
    assert native_libs.KERNELS == os.path.join(built, "libsf_kernels.so")
    assert os.path.isfile(native_libs.RUNTIME)  # compiled code calls it everywhere


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the kernels are x86-64 code")
def test_kernels_are_built_on_x86_64():
    assert os.path.isfile(native_libs.KERNELS)
    assert os.path.isfile(native_libs.KERNELS_OMP)
