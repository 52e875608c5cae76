"""Compiled-code cache: in memory per process, on disk across processes.

    >>> engine = compiled_engine(module, pipeline, build_engine)  # doctest: +SKIP

A compiled function is keyed by its IR text, the lowering pipeline (with its
options: target ISA, threads) and the requested LLVM opt level. In memory the
key maps to the ExecutionEngine itself. On disk it maps to

* the machine code: the engine's object file linked into `<key>.so` (with
  `ld -shared`), which a new process loads with `dlopen` in well under a
  millisecond -- no pass pipeline, no LLVM. Skipped when no linker is
  installed, and for code that calls back into Python (`sf.print`);
* the LLVM-dialect module the pipeline produced (`<key>.mlir`), so that
  without the shared object a new process still skips the pass pipeline.

The key also covers the host CPU and the MLIR and strataflow builds, since
the code is specialized to all three.

Entries carry a checksum (`<checksum line>\\n<module>`; `<key>.so.sha256`
beside the library) and are written to a temp file and moved into place with
`os.replace` (atomic: two processes compiling the same function each write a
whole entry, the last one wins). An entry whose checksum, parse or load fails
is ignored and rewritten, never an error. `STRATAFLOW_COMPILE_CACHE=0` turns
both caches off.
"""
from __future__ import annotations

import collections
import functools
import hashlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from typing import Callable

from mlir import ir

from strataflow import config
from strataflow.compiler import host, native_libs
from strataflow.compiler.pipeline import run_pipeline

_HEADER = "// strataflow compile cache v1 sha256="
_MEMORY_ENTRIES = 128

_memory: "collections.OrderedDict[str, object]" = collections.OrderedDict()
_memory_lock = threading.Lock()
_writers: list[threading.Thread] = []  # links of shared objects in flight


@functools.lru_cache(maxsize=None)
def _build_fingerprint() -> str:
    """The host, and the native libraries that compile and run the code:
    MLIR's, ours, the kernels (size and mtime change with every install or
    rebuild; reading package versions costs milliseconds more)."""
    from mlir import _mlir_libs

    from strataflow import _sfnative

    parts = [host.fingerprint()]
    mlir_capi = os.path.join(os.path.dirname(_mlir_libs.__file__), "libMLIRPythonCAPI.so")
    for path in (mlir_capi, _sfnative.__file__, native_libs.RUNTIME, native_libs.KERNELS,
                 native_libs.KERNELS_OMP):
        try:
            stat = os.stat(path)
            parts.append(f"{os.path.basename(path)}={stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{os.path.basename(path)}=missing")
    return "\n".join(parts)


def cache_key(ir_text: str, pipeline: str, opt_level: int | None) -> str:
    """Hex digest naming one compiled function."""
    h = hashlib.sha256()
    for part in (_build_fingerprint(), pipeline, repr(opt_level), ir_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


# `sf`-level text (about 1/16 of the LLVM dialect it lowers to) above which a
# cold compile first makes quick code (the first-tier pipeline, LLVM opt
# level 0: 2-3x faster to make) and the optimized code in the background.
# On these machines a train step's module (~9K) takes ~400 ms to lower and
# generate at O3, and a function of ten elementwise ops (~1.1K) ~50 ms
# (~20 ms in the first tier). Smaller functions compile once: their O3
# compile is short, and their first code is their final code.
TIER_UP_CHARS = 1_000
# Multiply-adds of compiled contractions above which the first tier's code
# would run longer than the optimized code takes to make: its vectorized
# loops at LLVM opt level 0 are ~30x slower (a conv2d train step's first call
# took 6.4 s tiered, 1.7 s compiled once at O3). Kernel matmuls run the same
# precompiled code in both tiers and do not count.
TIER_UP_MAX_MACS = 1 << 28
_CONTRACTION = re.compile(
    r"sf\.(conv2d|batch_matmul|matmul) [^\n]*?: \(tensor<([\dx]+)x(\w+)>, tensor<([\dx]+)x\w+>\)"
    r" -> tensor<([\dx]+)x\w+>")


def _dims(text: str) -> list[int]:
    return [int(d) for d in text.split("x")]


def compiled_macs(ir_text: str) -> int:
    """Multiply-adds of the static convolutions and of the matmuls that do not
    call the GEMM kernel in `sf` text (dynamic shapes count nothing)."""
    total = 0
    for m in _CONTRACTION.finditer(ir_text):
        name, a, element, b, out = m.group(1), _dims(m.group(2)), m.group(3), _dims(m.group(4)), m.group(5)
        if name == "conv2d":
            inner = b[0] * b[1] * b[2]  # filter: kh x kw x in x out
        elif name == "matmul" and element == "f32" and config.kernels_enabled():
            continue
        else:
            inner = a[-2] if "transpose_a = true" in m.group(0) else a[-1]
        total += math.prod(_dims(out)) * inner
    return total


def opt_level_for(ir_text: str) -> int:
    """LLVM optimization level by the size of a function's `sf`-level text:
    our schedule already did the loop work, LLVM mostly allocates
    registers; O3 on huge modules only costs seconds of compile time."""
    size = len(ir_text)
    if size < 25_000:
        return 3
    if size < 125_000:
        return 2
    return 1


def _entry_path(key: str) -> str:
    return os.path.join(config.get_compile_cache_dir(), key[:2], key + ".mlir")


def load_lowered(key: str, context: ir.Context) -> ir.Module | None:
    """The cached LLVM-dialect module for `key`, or None (missing or
    corrupt)."""
    try:
        with open(_entry_path(key), encoding="utf-8") as f:
            header = f.readline().rstrip("\n")
            body = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    if header != _HEADER + hashlib.sha256(body.encode()).hexdigest():
        return None
    try:
        return ir.Module.parse(body, context=context)
    except ir.MLIRError:
        return None


def _write_atomically(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def store_lowered(key: str, llvm_text: str) -> None:
    """Writes an entry atomically; a cache that cannot be written is skipped."""
    data = (_HEADER + hashlib.sha256(llvm_text.encode()).hexdigest() + "\n" + llvm_text).encode()
    try:
        _write_atomically(_entry_path(key), data)
    except OSError:
        pass


def _object_path(key: str) -> str:
    return _entry_path(key)[: -len(".mlir")] + ".so"


def load_object(key: str, open_object: Callable[[str], object]):
    """`open_object(path)` of the cached shared object for `key`, or None
    (missing, checksum mismatch, or not loadable)."""
    path = _object_path(key)
    try:
        with open(path, "rb") as f:
            data = f.read()
        with open(path + ".sha256", encoding="ascii") as f:
            checksum = f.read().strip()
    except OSError:
        return None
    if checksum != hashlib.sha256(data).hexdigest():
        return None
    try:
        return open_object(path)
    except OSError:  # dlopen failed (e.g. a runtime symbol is missing)
        return None


def store_object(key: str, engine, symbol: str) -> None:
    """Links `engine`'s machine code into `<key>.so` (after generating it by
    looking up `symbol`). Skipped without a linker or a writable cache. The
    link runs in a thread, off the first call's path (`wait_for_writes`)."""
    linker = shutil.which("ld")
    if linker is None:
        return
    path = _object_path(key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        engine.raw_lookup(symbol)  # code generation is lazy
        fd, obj = tempfile.mkstemp(prefix=".tmp-", suffix=".o", dir=os.path.dirname(path))
        os.close(fd)
        engine.dump_to_object_file(obj)
    except (OSError, RuntimeError):
        return
    background(lambda: _link(linker, obj, path), "sf-cache-link")


def _link(linker: str, obj: str, path: str) -> None:
    library = obj[: -len(".o")] + ".so"
    try:
        if subprocess.run([linker, "-shared", "-o", library, obj], capture_output=True).returncode:
            return
        with open(library, "rb") as f:
            data = f.read()
        _write_atomically(path + ".sha256", hashlib.sha256(data).hexdigest().encode())
        _write_atomically(path, data)
    except OSError:
        pass
    finally:
        for leftover in (obj, library):
            try:
                os.unlink(leftover)
            except OSError:
                pass


def wait_for_writes() -> None:
    """Waits until background work is done: optimized code being generated
    (tiered compilation) and shared objects being linked into the cache."""
    while True:
        with _memory_lock:
            writers, _writers[:] = list(_writers), []
        if not writers:
            return
        for thread in writers:
            thread.join()


def background(target: Callable[[], None], name: str) -> None:
    """Runs `target` in a thread that `wait_for_writes` waits for. Not a
    daemon: the interpreter waits for it at exit, rather than tearing LLVM
    down under a compile or leaving a cache entry unwritten."""
    thread = threading.Thread(target=target, name=name)
    with _memory_lock:
        _writers.append(thread)
    thread.start()


def compiled_engine(
    module: ir.Module,
    pipeline: str,
    build: Callable[[ir.Module, int], object],
    opt_level: int | None = None,
    *,
    symbol: str | None = None,
    open_object: Callable[[str], object] | None = None,
    first_tier: tuple[Callable[[str], object], Callable[..., object]] | None = None,
):
    """The engine for `module` lowered by `pipeline`: cached, or built by
    `build(llvm_module, opt_level)` (opt level chosen by size when None).
    With `symbol` (the entry point to look up) and `open_object(path)` (an
    engine-like wrapper of a loaded shared object) machine code is cached.

    `first_tier = (quick, tier_up)` compiles a big module in two tiers:
    quick code now (`quick(ir_text)` makes its engine), and the engine
    returned is `tier_up(quick_engine, ir_text, pipeline, opt_level, done)`,
    which makes the optimized code in the background and calls
    `done(optimized_engine)` once it exists (that is what goes to the disk
    cache)."""
    ir_text = str(module)
    enabled = config.compile_cache_enabled()
    key = cache_key(ir_text, pipeline, opt_level)
    if enabled:
        with _memory_lock:
            engine = _memory.get(key)
            if engine is not None:
                _memory.move_to_end(key)
                return engine
        engine = load_object(key, open_object) if open_object is not None else None
        if engine is not None:
            _remember(key, engine)
            return engine
    level = opt_level if opt_level is not None else opt_level_for(ir_text)
    # Machine code that stands alone (for the disk cache and the background
    # compile): code that calls back into Python (sf.print) needs the
    # engine's registered symbols.
    standalone = symbol is not None and "sf.print" not in ir_text

    def store(final) -> None:
        if enabled and standalone:
            store_object(key, final, symbol)

    if (first_tier is not None and standalone and opt_level is None and level > 0
            and len(ir_text) >= TIER_UP_CHARS and config.tiered_compilation_enabled()
            and compiled_macs(ir_text) < TIER_UP_MAX_MACS):
        quick, tier_up = first_tier
        engine = tier_up(quick(ir_text), ir_text, pipeline, level, store)
    else:
        lowered = load_lowered(key, module.context) if enabled else None
        if lowered is None:
            lowered = ir.Module.parse(ir_text, context=module.context)
            run_pipeline(lowered, pipeline)
            if enabled:
                store_lowered(key, str(lowered))
        engine = build(lowered, level)
        store(engine)
    if enabled:
        _remember(key, engine)
    return engine


def _remember(key: str, engine) -> None:
    with _memory_lock:
        _memory[key] = engine
        while len(_memory) > _MEMORY_ENTRIES:
            _memory.popitem(last=False)


def clear_memory_cache() -> None:
    """Drops this process's compiled engines (functions holding one keep it)."""
    with _memory_lock:
        _memory.clear()
