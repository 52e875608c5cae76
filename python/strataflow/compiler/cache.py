"""Compiled-code cache: in memory per process, on disk across processes.

    >>> engine = compiled_engine(module, pipeline, build_engine)  # doctest: +SKIP

A compiled function is keyed by its IR text, the lowering pipeline (with its
options: target ISA, threads) and the requested LLVM opt level. In memory the
key maps to the ExecutionEngine itself. On disk it maps to the LLVM-dialect
module the pipeline produced, so a new process skips the pass pipeline (LLVM
still generates machine code: the Python ExecutionEngine cannot load an object
file back). The disk key also covers the host CPU and the MLIR and strataflow
builds, since the code is specialized to all three.

Disk entries are text files `<checksum line>\\n<module>`, written to a temp
file and moved into place with `os.replace` (atomic: two processes compiling
the same function each write a whole entry, the last one wins). An entry whose
checksum or parse fails is ignored and rewritten, never an error.
`STRATAFLOW_COMPILE_CACHE=0` turns both caches off.
"""
from __future__ import annotations

import collections
import functools
import hashlib
import os
import tempfile
import threading
from importlib import metadata
from typing import Callable

from mlir import ir

from strataflow import config
from strataflow.compiler import host
from strataflow.compiler.pipeline import run_pipeline

_HEADER = "// strataflow compile cache v1 sha256="
_MEMORY_ENTRIES = 128

_memory: "collections.OrderedDict[str, object]" = collections.OrderedDict()
_memory_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _build_fingerprint() -> str:
    """MLIR wheel and strataflow versions, plus the native library file (its
    size and mtime change with every rebuild of the C++ passes)."""
    from strataflow import _sfnative

    parts = [host.fingerprint()]
    for dist in ("xtc-mlir-python-bindings", "strataflow"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=dev")
    stat = os.stat(_sfnative.__file__)
    parts.append(f"native={stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def cache_key(ir_text: str, pipeline: str, opt_level: int | None) -> str:
    """Hex digest naming one compiled function."""
    h = hashlib.sha256()
    for part in (_build_fingerprint(), pipeline, repr(opt_level), ir_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def opt_level_for(llvm_text: str) -> int:
    """LLVM optimization level by module size: our schedule already did the
    loop work, LLVM mostly allocates registers; O3 on huge modules only costs
    seconds of compile time."""
    size = len(llvm_text)
    if size < 400_000:
        return 3
    if size < 2_000_000:
        return 2
    return 1


def _entry_path(key: str) -> str:
    return os.path.join(config.get_compile_cache_dir(), key[:2], key + ".mlir")


def load_lowered(key: str, context: ir.Context) -> tuple[ir.Module, str] | None:
    """The cached LLVM-dialect module for `key` and its text, or None
    (missing or corrupt)."""
    try:
        with open(_entry_path(key), encoding="utf-8") as f:
            header = f.readline().rstrip("\n")
            body = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    if header != _HEADER + hashlib.sha256(body.encode()).hexdigest():
        return None
    try:
        return ir.Module.parse(body, context=context), body
    except ir.MLIRError:
        return None


def store_lowered(key: str, llvm_text: str) -> None:
    """Writes an entry atomically; a cache that cannot be written is skipped."""
    path = _entry_path(key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(_HEADER + hashlib.sha256(llvm_text.encode()).hexdigest() + "\n")
                f.write(llvm_text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def compiled_engine(
    module: ir.Module,
    pipeline: str,
    build: Callable[[ir.Module, int], object],
    opt_level: int | None = None,
):
    """The engine for `module` lowered by `pipeline`: cached, or built by
    `build(llvm_module, opt_level)` (opt level chosen by size when None)."""
    ir_text = str(module)
    enabled = config.compile_cache_enabled()
    key = cache_key(ir_text, pipeline, opt_level)
    if enabled:
        with _memory_lock:
            engine = _memory.get(key)
            if engine is not None:
                _memory.move_to_end(key)
                return engine
    cached = load_lowered(key, module.context) if enabled else None
    if cached is None:
        lowered = ir.Module.parse(ir_text, context=module.context)
        run_pipeline(lowered, pipeline)
        llvm_text = str(lowered)
        if enabled:
            store_lowered(key, llvm_text)
    else:
        lowered, llvm_text = cached
    engine = build(lowered, opt_level if opt_level is not None else opt_level_for(llvm_text))
    if enabled:
        with _memory_lock:
            _memory[key] = engine
            while len(_memory) > _MEMORY_ENTRIES:
                _memory.popitem(last=False)
    return engine


def clear_memory_cache() -> None:
    """Drops this process's compiled engines (functions holding one keep it)."""
    with _memory_lock:
        _memory.clear()
