"""JIT-compile an `sf` module for the CPU and call it with NumPy arrays.

    >>> fn = compile_module(module, "f")     # doctest: +SKIP
    >>> fn(np.ones((2, 4), np.float32), np.ones((2, 4), np.float32))

Every public function gets `llvm.emit_c_interface`; arguments are passed as
memref descriptors pointing at the NumPy data and results come back as
buffers owned by the caller (the deallocation pipeline guarantees that, by
cloning where a result would alias an argument or a constant).
"""
from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass

import numpy as np
from mlir import ir
from mlir.execution_engine import ExecutionEngine

from strataflow.compiler import memref
from strataflow.compiler.pipeline import lower
from strataflow.framework.errors import CompilationError, InvalidArgumentError

try:
    import ml_dtypes

    _BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is a dependency
    _BF16 = None

_ELEMENT_DTYPES = {
    "f16": np.float16, "f32": np.float32, "f64": np.float64,
    "i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32,
    "i64": np.int64, "ui8": np.uint8, "bf16": _BF16,
}


def numpy_dtype(element_type: ir.Type) -> np.dtype:
    """The NumPy dtype of an MLIR element type (`f32` -> float32)."""
    name = str(element_type)
    if name not in _ELEMENT_DTYPES:
        raise CompilationError(f"element type {name} cannot cross the NumPy boundary")
    return np.dtype(_ELEMENT_DTYPES[name])


@dataclass(frozen=True)
class TensorSig:
    """Static facts of one argument/result: dtype and shape (None = dynamic)."""

    dtype: np.dtype
    shape: tuple

    @classmethod
    def of(cls, t: ir.RankedTensorType) -> "TensorSig":
        shape = tuple(None if t.is_dynamic_dim(i) else t.shape[i] for i in range(t.rank))
        return cls(numpy_dtype(t.element_type), shape)


def _runtime_libs() -> list[str]:
    import mlir

    root = os.path.join(list(mlir.__path__)[0], "lib")
    return [os.path.join(root, "libmlir_c_runner_utils.so")]


class CompiledFunction:
    """One JIT-compiled public function of a module; call it with arrays."""

    def __init__(self, module: ir.Module, name: str, opt_level: int = 2):
        func = _find_func(module, name)
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        self.name = name
        self.inputs = [TensorSig.of(ir.RankedTensorType(t)) for t in ftype.inputs]
        self.outputs = [TensorSig.of(ir.RankedTensorType(t)) for t in ftype.results]
        func.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get(module.context)
        self.llvm_module = lower(module, "llvm")
        self._engine = ExecutionEngine(
            self.llvm_module, opt_level=opt_level, shared_libs=_runtime_libs()
        )
        self._cfunc = self._bind()

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
        self._cfunc(packed)
        results = [out] if n_out == 1 else [getattr(out, f"r{i}") for i in range(n_out)]
        # One buffer can back several results (e.g. CSE merged two equal
        # values): the first result owns it, the others get copies.
        adopted, seen = [], set()
        for d, s in zip(results, self.outputs):
            owned = not d.allocated or d.allocated not in seen
            seen.add(d.allocated)
            adopted.append(memref.adopt(d, s.dtype, len(s.shape), owned=owned))
        return tuple(adopted)

    def _check(self, index: int, array) -> np.ndarray:
        sig = self.inputs[index]
        # np.ascontiguousarray would turn a 0-d array into 1-d.
        a = np.asarray(array, dtype=sig.dtype)
        if not a.flags.c_contiguous:
            a = np.ascontiguousarray(a)
        if a.ndim != len(sig.shape) or any(
            d is not None and d != n for d, n in zip(sig.shape, a.shape)
        ):
            raise InvalidArgumentError(
                f"{self.name}: argument {index} has shape {a.shape}, "
                f"expected {tuple('?' if d is None else d for d in sig.shape)}"
            )
        return a


def _find_func(module: ir.Module, name: str):
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return op
    raise CompilationError(f"module has no function {name!r}")


def compile_module(module: ir.Module, name: str, opt_level: int = 2) -> CompiledFunction:
    """JIT-compiles function `name` of an `sf`-level module."""
    return CompiledFunction(module, name, opt_level)
