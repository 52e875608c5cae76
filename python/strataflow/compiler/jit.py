"""JIT-compile an `sf` module for the CPU and call it with NumPy arrays.

    >>> from mlir import ir
    >>> from strataflow.compiler import new_context
    >>> module = ir.Module.parse('''
    ... func.func @f(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
    ...   %c = sf.add %a, %b : tensor<2x4xf32>
    ...   return %c : tensor<2x4xf32>
    ... }''', context=new_context())
    >>> fn = compile_module(module, "f")
    >>> fn(np.ones((2, 4), np.float32), np.ones((2, 4), np.float32))
    (array([[2., 2., 2., 2.],
           [2., 2., 2., 2.]], dtype=float32),)

Every public function gets `llvm.emit_c_interface`; arguments are passed as
memref descriptors pointing at the NumPy data and results come back as
buffers owned by the caller (the deallocation pipeline guarantees that, by
cloning where a result would alias an argument or a constant). Tensor
arguments are never written; a `!sf.variable<T>` argument takes a NumPy
array that the function updates in place.
"""
from __future__ import annotations

import ctypes
import os
import warnings
from dataclasses import dataclass

import numpy as np
from mlir import ir
from mlir.execution_engine import ExecutionEngine

from strataflow import config
from strataflow.framework import dtypes
from strataflow.compiler import cache, host, memref, native_libs, runtime
from strataflow.compiler.pipeline import find_func, pipeline_name, run_pipeline
from strataflow.framework.errors import (
    CompilationError,
    CompilerFallbackWarning,
    InvalidArgumentError,
)

_ELEMENT_TYPES = frozenset(d.mlir_name for d in dtypes.ALL)


def numpy_dtype(element_type: ir.Type) -> np.dtype:
    """The NumPy dtype of an MLIR element type (`f32` -> float32). bf16's
    comes from ml_dtypes, imported only then: its import takes ~1 s."""
    name = str(element_type)
    if name not in _ELEMENT_TYPES:
        raise CompilationError(f"element type {name} cannot cross the NumPy boundary")
    return np.dtype(dtypes.as_dtype(name).as_numpy_dtype)


@dataclass(frozen=True)
class TensorSig:
    """Static facts of one argument/result: dtype and shape (None = dynamic);
    `variable` for a `!sf.variable<T>` argument (updated in place)."""

    dtype: np.dtype
    shape: tuple
    variable: bool = False

    @classmethod
    def of(cls, t: ir.Type) -> "TensorSig":
        value_type = _variable_value_type(t)
        rt = ir.RankedTensorType(value_type or t)
        shape = tuple(None if rt.is_dynamic_dim(i) else rt.shape[i] for i in range(rt.rank))
        return cls(numpy_dtype(rt.element_type), shape, value_type is not None)


def _variable_value_type(t: ir.Type) -> ir.Type | None:
    """T of `!sf.variable<T>`, None for other types."""
    text = str(t)
    prefix = "!sf.variable<"
    if not text.startswith(prefix):
        return None
    return ir.Type.parse(text[len(prefix):-1], context=t.context)


def _threads() -> int:
    """Threads for compiled code; 1 if the async runtime is missing (loading a
    missing shared library would abort the process)."""
    threads = config.intra_op_threads()
    if threads > 1 and not os.path.exists(native_libs.runtime_lib("libmlir_async_runtime.so")):
        return 1
    return threads


def _optimizing(optimize: bool | None) -> bool:
    return config.optimizer_enabled() if optimize is None else optimize


def pipeline_threads(optimize: bool | None = None, first_tier: bool = False) -> int:
    """The threads that code from `jit_pipeline(optimize, first_tier)` runs
    on: the first tier leaves one core to the background compile."""
    if not _optimizing(optimize):
        return 1
    return max(_threads() - 1, 1) if first_tier else _threads()


def jit_pipeline(optimize: bool | None = None, first_tier: bool = False) -> str:
    """The pipeline the JIT uses: the optimizing CPU schedule for this host's
    vector ISA and the configured thread count (on OpenMP threads where its
    runtime is installed), calling the precompiled kernels where they run
    here (`optimize=False`: naive loops). `first_tier`: the quick variant
    for the first calls of a tiered compile, which leaves one core to the
    background compile of the optimized code."""
    if not _optimizing(optimize):
        return pipeline_name("llvm")
    threads = pipeline_threads(True, first_tier)
    target = host.vector_target()
    kernels = config.kernels_enabled() and native_libs.kernels_usable(target, threads)
    openmp = threads > 1 and native_libs.openmp_runtime() is not None
    return pipeline_name(
        "llvm", f"optimize=1 target={target} threads={threads} kernels={int(kernels)}"
        + (" openmp=1" if openmp else "") + (" first-tier=1" if first_tier else "")
    )


def _build_engine(llvm_module: ir.Module, opt_level: int, threads: int) -> ExecutionEngine:
    """The engine of a lowered module whose code runs on `threads` threads."""
    memref.keep_freed_memory()
    native_libs.preload(threads)
    engine = _create_engine(llvm_module, opt_level)
    # Once per engine, before its first lookup generates code (engines are
    # shared through the compile cache).
    runtime.register(engine)
    return engine


def _create_engine(
    module: ir.Module | str, opt_level: int, symbol: str = "", pipeline: str = ""
) -> ExecutionEngine:
    """An engine whose machine code really is generated at `opt_level`
    (upstream's binding always generates it at level 2), with `symbol`'s
    code generated already if given. Position-independent, so that the
    object file links into a cached .so. The GIL is released meanwhile.
    `module` is an LLVM-dialect module, or a module's text that `pipeline`
    lowers, in a private context: so any thread may pass text."""
    from strataflow import _sfnative

    try:
        capsule = _sfnative.create_engine(module, opt_level, symbol, pipeline)
    except RuntimeError as e:
        raise CompilationError(f"LLVM could not compile the module: {e}") from None
    return ExecutionEngine._CAPICreate(capsule)


def _first_tier_engine(context: ir.Context, ir_text: str, pipeline: str, threads: int,
                       symbol: str):
    """The quick engine of a tiered compile, made from the module's text in
    a context of the native side whose dialects are loaded already (the
    warm-up made it), with the GIL released; where that fails, made again
    here, in the function's own context, which reports why."""
    memref.keep_freed_memory()
    native_libs.preload(threads)
    try:
        return _create_engine(ir_text, 0, symbol, pipeline)
    except CompilationError:
        quick = ir.Module.parse(ir_text, context=context)
        run_pipeline(quick, pipeline)
        return _build_engine(quick, 0, threads)


_WARM_UP_MODULE = "llvm.func @sf_warm_up() { llvm.return }"
_warm_up_started = False


def warm_up() -> None:
    """Loads the libraries compiled code calls, then starts LLVM's one-time
    set-up (target and code generator) and a warm context for compiles from
    text, in a background thread, once per process: called when the first
    function is traced, it overlaps the trace instead of delaying the first
    compile."""
    global _warm_up_started
    if _warm_up_started:
        return
    _warm_up_started = True

    def run() -> None:
        try:
            # Libraries first: a compile looking up symbols waits for a
            # library being loaded meanwhile (the OpenMP runtime: 5-20 ms).
            native_libs.preload(pipeline_threads())
            _create_engine(_WARM_UP_MODULE, 0, "sf_warm_up")
        except (OSError, CompilationError):
            pass  # the first real compile reports what is wrong

    cache.background(run, "sf-jit-warm-up")


class TieredEngine:
    """Quick machine code for the first calls (the first-tier pipeline, LLVM
    opt level 0: about 3x faster to make), replaced by optimized code that a
    background thread makes meanwhile from the module's text, as tiered
    JITs do.

    Callers check `version` and look their functions up again when it
    changed; the quick code stays loaded (a call may still be running it).
    """

    def __init__(self, quick, ir_text: str, pipeline: str, opt_level: int, threads: int,
                 symbol: str, done):
        self.engine = quick
        self.version = 0
        self._retired = []

        def tier_up() -> None:
            try:
                native_libs.preload(threads)
                final = _create_engine(ir_text, opt_level, symbol, pipeline)
            except (OSError, CompilationError):
                warnings.warn(
                    f"{symbol}: its optimized code could not be generated, the first-tier "
                    "code keeps running; sf.config.set_tiered_compilation(False) compiles "
                    "it in the caller, which reports why", CompilerFallbackWarning)
                return
            self._retired.append(self.engine)
            self.engine = final
            self.version = 1
            done(final)

        cache.background(tier_up, "sf-tier-up")

    def raw_lookup(self, name: str) -> int:
        return self.engine.raw_lookup(name)


class SharedObjectEngine:
    """Machine code from the disk cache: a loaded `.so` with the lookup of
    an ExecutionEngine (whose packed wrappers it holds as `_mlir_<name>`)."""

    def __init__(self, path: str, threads: int):
        memref.keep_freed_memory()
        # before the library, which resolves their symbols when it is loaded
        native_libs.preload(threads)
        self._library = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)

    def raw_lookup(self, name: str) -> int:
        try:
            return ctypes.cast(getattr(self._library, "_mlir_" + name), ctypes.c_void_p).value or 0
        except AttributeError:
            return 0


class CompiledFunction:
    """One JIT-compiled public function of a module; call it with arrays."""

    def __init__(
        self, module: ir.Module, name: str, opt_level: int | None = None, optimize: bool | None = None
    ):
        func = find_func(module, name)
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        self.name = name
        self.inputs = [TensorSig.of(t) for t in ftype.inputs]
        self.outputs = [TensorSig.of(t) for t in ftype.results]
        func.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get(module.context)
        symbol = f"_mlir_ciface_{name}"
        threads = pipeline_threads(optimize)
        self._engine = cache.compiled_engine(
            module, jit_pipeline(optimize),
            lambda llvm_module, level: _build_engine(llvm_module, level, threads),
            opt_level, symbol=symbol,
            open_object=lambda path: SharedObjectEngine(path, threads),
            first_tier=(  # its pipeline is made only for a compile that tiers
                lambda text: _first_tier_engine(
                    module.context, text, jit_pipeline(optimize, first_tier=True),
                    pipeline_threads(optimize, first_tier=True), symbol),
                lambda quick, text, pipeline, level, done: TieredEngine(
                    quick, text, pipeline, level, threads, symbol, done),
            ),
        )
        # not None while optimized code may still replace the first code
        self.tiering = self._engine if isinstance(self._engine, TieredEngine) else None
        self._cfunc = self._bind()

    def current(self):
        """The entry point of the newest code (see `TieredEngine`)."""
        tiering = self.tiering
        if tiering is not None and tiering.version:
            self._cfunc = self._bind()
            self.tiering = None
        return self._cfunc

    def _bind(self):
        # raw_lookup returns the *packed* wrapper (`void f(void **args)`); with
        # emit_c_interface its slots are: the results struct, then one pointer
        # to each argument's descriptor.
        ranks = [len(s.shape) for s in self.outputs]
        fields = [(f"r{i}", memref.descriptor_type(r)) for i, r in enumerate(ranks)]
        self._result_type = type("Results", (ctypes.Structure,), {"_fields_": fields})
        address = self._engine.raw_lookup(f"_mlir_ciface_{self.name}")
        if not address:
            raise CompilationError(f"compiled module has no function {self.name!r}")
        return ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)

    def __call__(self, *arrays):
        if len(arrays) != len(self.inputs):
            raise InvalidArgumentError(
                f"{self.name} takes {len(self.inputs)} arguments, got {len(arrays)}"
            )
        converted = [self._check(i, a) for i, a in enumerate(arrays)]
        slots = [ctypes.pointer(memref.to_descriptor(a)) for a in converted]
        n_out = len(self.outputs)
        if n_out == 1:
            out = memref.descriptor_type(len(self.outputs[0].shape))()
        else:
            out = self._result_type()
        if n_out:
            slots.insert(0, ctypes.pointer(out))
        packed = (ctypes.c_void_p * len(slots))(*[ctypes.addressof(p) for p in slots])
        self.current()(packed)
        results = [out] if n_out == 1 else [getattr(out, f"r{i}") for i in range(n_out)]
        # One buffer can back several results (e.g. CSE merged two equal
        # values): the first result owns it, the others get copies.
        adopted, seen = [], set()
        for d, s in zip(results, self.outputs):
            rank = len(s.shape)
            if d.allocated and d.allocated in seen:
                adopted.append(memref.view(d, s.dtype, rank).copy())
            else:
                seen.add(d.allocated)
                adopted.append(memref.adopt(d, s.dtype, rank))
        return tuple(adopted)

    def _check(self, index: int, array) -> np.ndarray:
        sig = self.inputs[index]
        if sig.variable:
            a = _check_variable(self.name, index, array, sig.dtype)
        else:
            # asarray, not ascontiguousarray: that one makes 0-d arrays 1-d.
            a = np.asarray(array, dtype=sig.dtype, order="C")
        if a.ndim != len(sig.shape) or any(
            d is not None and d != n for d, n in zip(sig.shape, a.shape)
        ):
            raise InvalidArgumentError(
                f"{self.name}: argument {index} has shape {a.shape}, "
                f"expected {tuple('?' if d is None else d for d in sig.shape)}"
            )
        return a


def _check_variable(name: str, index: int, array, dtype: np.dtype) -> np.ndarray:
    """A variable's array is written in place, so it is taken exactly as is."""
    if not isinstance(array, np.ndarray):
        raise InvalidArgumentError(
            f"{name}: argument {index} is a variable; pass a NumPy array "
            f"(updated in place), got {type(array).__name__}"
        )
    if array.dtype != dtype:
        raise InvalidArgumentError(
            f"{name}: variable argument {index} has dtype {array.dtype}, expected {dtype}"
        )
    if not array.flags.c_contiguous or not array.flags.writeable:
        raise InvalidArgumentError(
            f"{name}: variable argument {index} must be a C-contiguous, writeable array"
        )
    return array


def compile_module(
    module: ir.Module, name: str, opt_level: int | None = None, optimize: bool | None = None
) -> CompiledFunction:
    """JIT-compiles function `name` of an `sf`-level module.

    `opt_level` None picks LLVM's level by module size; `optimize` None uses
    `config.optimizer_enabled()`; `optimize=False`
    compiles naive loops (the reference lowering) instead of the tiled,
    vectorized, multi-threaded schedule.
    """
    return CompiledFunction(module, name, opt_level, optimize)
