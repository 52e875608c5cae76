"""Native libraries that compiled code calls at run time: our runtime
(`libsf_runtime.so`), MLIR's bf16 conversions and async runtime, our
precompiled kernels and the OpenMP runtime that the threaded kernels run on.

    >>> os.path.basename(runtime_lib("libmlir_async_runtime.so"))
    'libmlir_async_runtime.so'

`libsf_kernels.so` (one thread) and `libsf_kernels_omp.so` (OpenMP) are
built with the package from lib/Kernels (MLIR compiled ahead of time): f32
matmuls call their GEMM instead of compiling one each (`sf-cpu-gemm-to-call`),
which keeps a train step's compile short. The OpenMP runtime is Intel's
libiomp5 from the `intel-openmp` wheel (it implements the `__kmpc_*` ABI
that MLIR's OpenMP lowering calls).
"""
from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading

from strataflow.compiler import host
from strataflow.tools import native_dir

_PACKAGE = native_dir()
KERNELS = os.path.join(_PACKAGE, "libsf_kernels.so")
KERNELS_OMP = os.path.join(_PACKAGE, "libsf_kernels_omp.so")
RUNTIME = os.path.join(_PACKAGE, "libsf_runtime.so")


def runtime_lib(name: str) -> str:
    """The path of one of MLIR's runtime libraries in the pinned wheel."""
    import mlir

    return os.path.join(list(mlir.__path__)[0], "lib", name)


_loaded: set[str] = set()
_loading = threading.Lock()  # the compiling thread may wait for a preload


def load_global(*paths: str) -> None:
    """Loads libraries once for the process, in order, into the global symbol
    scope where compiled code finds them (the GIL released meanwhile). The
    async runtime must be loaded this way, not through the engine's
    `shared_libs`: an engine that loaded it calls its
    `__mlir_execution_engine_destroy` when it dies, which deletes the
    process-wide runtime under every other engine (the next parallel loop
    dereferences null)."""
    if all(p in _loaded for p in paths):
        return  # without waiting for what another thread is loading
    from strataflow import _sfnative

    with _loading:
        todo = [p for p in paths if p not in _loaded]
        error = _sfnative.load_libraries(todo) if todo else ""
        if error:
            raise OSError(error)
        _loaded.update(todo)


@functools.lru_cache(maxsize=None)
def openmp_runtime() -> str | None:
    """The path of libiomp5.so from the `intel-openmp` wheel, or None."""
    # where pip puts the wheel's library; its file list (importlib.metadata:
    # ~40 ms to import, ~3 ms to read) only for other layouts
    usual = os.path.join(sys.prefix, "lib", "libiomp5.so")
    if os.path.exists(usual):
        return os.path.realpath(usual)
    from importlib import metadata

    try:
        files = metadata.files("intel-openmp") or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name == "libiomp5.so" and os.path.exists(f.locate()):
            return os.path.realpath(f.locate())
    return None


def kernels_usable(target: str, threads: int = 1) -> bool:
    """Whether compiled code for vector ISA `target` may call the kernels on
    `threads` threads: the libraries were built, this CPU runs their
    `target` objects and, for more than one thread, the OpenMP runtime is
    installed."""
    if not (os.path.exists(KERNELS) and host.runs_kernels(target)):
        return False
    return threads <= 1 or (os.path.exists(KERNELS_OMP) and openmp_runtime() is not None)


def load_openmp() -> bool:
    """Loads the OpenMP runtime where it is installed; whether it is."""
    omp = openmp_runtime()
    if omp is None:
        return False
    # Threads spin 1 ms (not 200) after a parallel region before they
    # sleep: enough for the next loop or matmul of a step, short enough not
    # to hold a core from the rest of the program (TF's advice for MKL too).
    os.environ.setdefault("KMP_BLOCKTIME", "1")
    if omp not in _loaded:
        load_global(omp)
        # Its set-up (reading the machine's topology, ~2 ms) now, where a
        # background thread usually loads it, not in the first parallel
        # region of a first call.
        ctypes.CDLL(omp).omp_get_max_threads()
    return True


def preload(threads: int) -> None:
    """Loads what code compiled for `threads` threads may call, once: our
    runtime (`memrefCopy`), MLIR's bf16 conversions, the kernels, and for
    more than one thread the OpenMP runtime (or else the async runtime) and
    the threaded kernels. Code must find them loaded before it is linked; a
    background thread can load them ahead."""
    # Not libmlir_c_runner_utils: it loads a second MLIR (~75 ms).
    load_global(RUNTIME, runtime_lib("libmlir_float16_utils.so"))
    if os.path.exists(KERNELS):
        load_global(KERNELS)
    if threads <= 1:
        return
    if not load_openmp():
        load_global(runtime_lib("libmlir_async_runtime.so"))
    elif os.path.exists(KERNELS_OMP):  # after the runtime whose symbols it uses
        load_global(KERNELS_OMP)
