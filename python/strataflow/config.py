"""Process-wide settings: intra-op threads and the compile cache.

    >>> from strataflow import config
    >>> config.threading.set_intra_op_parallelism_threads(1)   # no worker threads
    >>> config.threading.get_intra_op_parallelism_threads()
    1
    >>> config.set_compile_cache_dir("/tmp/strataflow-cache")  # doctest: +SKIP

Settings apply to functions compiled afterwards (they are part of the
compile-cache key); already compiled functions keep theirs.
"""
from __future__ import annotations

import os

_intra_op_threads = 0
_cache_dir: str | None = None
# STRATAFLOW_OPTIMIZE=0 compiles naive loops (the readable reference).
_optimizer = os.environ.get("STRATAFLOW_OPTIMIZE", "1") not in ("", "0")


def set_optimizer_enabled(enabled: bool) -> None:
    """Compile with the tiled/vectorized CPU schedule (`sf-cpu-tile-and-vectorize`).

    >>> set_optimizer_enabled(False)   # or STRATAFLOW_OPTIMIZE=0 in the environment
    """
    global _optimizer
    _optimizer = bool(enabled)


def optimizer_enabled() -> bool:
    """Whether compiled functions use the optimizing CPU schedule by default."""
    return _optimizer


def verify_each_pass() -> bool:
    """Whether pass pipelines verify the IR after every pass
    (`STRATAFLOW_VERIFY_EACH=1`; the test suite sets it). That finds a pass
    that breaks the IR where it happens, and halves compile speed; without
    it the IR is verified before and after the pipeline.

    >>> verify_each_pass()   # doctest: +SKIP
    False
    """
    return os.environ.get("STRATAFLOW_VERIFY_EACH", "0").strip() not in ("", "0")


# STRATAFLOW_KERNELS=0 compiles every matmul inline instead of calling the
# precompiled GEMM (libsf_kernels).
_kernels = os.environ.get("STRATAFLOW_KERNELS", "1") not in ("", "0")


def set_kernels_enabled(enabled: bool) -> None:
    """Let the optimizing schedule call precompiled kernels (f32 matmuls call
    libsf_kernels' GEMM, which keeps compiles short); False compiles them
    inline like every other op.

    >>> set_kernels_enabled(False)   # or STRATAFLOW_KERNELS=0 in the environment
    """
    global _kernels
    _kernels = bool(enabled)


_tiered = os.environ.get("STRATAFLOW_TIERED_JIT", "1") not in ("", "0")


def set_tiered_compilation(enabled: bool) -> None:
    """Whether a big function's first compile generates unoptimized machine
    code (fast to generate) and swaps in optimized code built in a
    background thread (default on).

    >>> set_tiered_compilation(False)   # or STRATAFLOW_TIERED_JIT=0 in the environment
    """
    global _tiered
    _tiered = bool(enabled)


def tiered_compilation_enabled() -> bool:
    """Whether big functions start on quickly generated code (see above)."""
    return _tiered


def kernels_enabled() -> bool:
    """Whether compiled code may call the precompiled kernels."""
    return _kernels


class _Threading:
    """`strataflow.config.threading`, as `tf.config.threading`."""

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads: int) -> None:
        """Threads one op's parallel loops may use: 0 = one per CPU, 1 = none.

        >>> threading.set_intra_op_parallelism_threads(2)
        """
        global _intra_op_threads
        if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 0:
            raise ValueError(f"num_threads must be an int >= 0, got {num_threads!r}")
        _intra_op_threads = num_threads

    @staticmethod
    def get_intra_op_parallelism_threads() -> int:
        """The value set (0 = the default: one thread per CPU)."""
        return _intra_op_threads


threading = _Threading()


def intra_op_threads() -> int:
    """The number of threads compiled code will use (the default resolved)."""
    if _intra_op_threads:
        return _intra_op_threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def set_compile_cache_dir(path: str | os.PathLike | None) -> None:
    """Directory of the on-disk compile cache (None: back to the default,
    `$STRATAFLOW_COMPILE_CACHE_DIR` or `~/.cache/strataflow/compile`).

    >>> set_compile_cache_dir("/tmp/strataflow-cache")  # doctest: +SKIP
    """
    global _cache_dir
    _cache_dir = None if path is None else os.fspath(path)


def get_compile_cache_dir() -> str:
    """The on-disk compile cache directory in use."""
    if _cache_dir is not None:
        return _cache_dir
    env = os.environ.get("STRATAFLOW_COMPILE_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "strataflow", "compile")


def compile_cache_enabled() -> bool:
    """False when `STRATAFLOW_COMPILE_CACHE=0` (no memory or disk caching)."""
    return os.environ.get("STRATAFLOW_COMPILE_CACHE", "1").strip().lower() not in ("0", "false", "off", "no")
