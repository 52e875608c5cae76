"""Native libraries that compiled code calls at run time: MLIR's runtime
libraries (async runtime, C runner utils) and our precompiled kernels.

    >>> os.path.basename(runtime_lib("libmlir_async_runtime.so"))
    'libmlir_async_runtime.so'

`libsf_kernels.so` is built with the package from lib/Kernels (MLIR compiled
ahead of time): f32 matmuls call its GEMM instead of compiling one each
(`sf-cpu-gemm-to-call`), which keeps a train step's compile short.
"""
from __future__ import annotations

import ctypes
import functools
import os

from strataflow.compiler import host

KERNELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "libsf_kernels.so")
KERNEL_SYMBOLS = tuple(f"sf_gemm_f32_{isa}_{variant}"
                       for isa in ("avx2", "avx512") for variant in ("st", "mt"))


def runtime_lib(name: str) -> str:
    """The path of one of MLIR's runtime libraries in the pinned wheel."""
    import mlir

    return os.path.join(list(mlir.__path__)[0], "lib", name)


@functools.lru_cache(maxsize=None)
def load_global(path: str) -> ctypes.CDLL:
    """Loads a library once for the process, into the global symbol scope
    where compiled code finds it. The async runtime must be loaded this way,
    not through the engine's `shared_libs`: an engine that loaded it calls
    its `__mlir_execution_engine_destroy` when it dies, which deletes the
    process-wide runtime under every other engine (the next parallel loop
    dereferences null)."""
    return ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


def kernels_usable(target: str) -> bool:
    """Whether compiled code for vector ISA `target` may call the kernels:
    the library was built and this CPU runs its `target` objects."""
    return os.path.exists(KERNELS) and host.runs_kernels(target)


def load_kernels() -> None:
    """Loads the kernels (and the async runtime, whose symbols the threaded
    kernels resolve when loaded)."""
    load_global(runtime_lib("libmlir_async_runtime.so"))
    load_global(KERNELS)
