"""The per-call path of a concrete function: arrays in, arrays out, lean.

`compiler.CompiledFunction.__call__` converts and describes every argument
on each call. A concrete function knows its argument types when it is
traced, so `Executor` prepares everything once: one memref descriptor per
argument, the packed pointer array for the `_mlir_ciface_` wrapper, and for
small static shapes a persistent buffer the descriptor points at for good.
A call then copies small inputs into their buffers (~0.1 us each, where
reading an array's address costs ~2 us), calls the code, and copies small
results out of the returned buffers before freeing them; with one result and
nothing written, all of that is one C++ call (`_sfnative.call_small`). Large or
dynamically shaped arguments and results take the general path (pointer
per call, results adopted without copying).

Variable arguments are updated in place by the compiled code; the executor
returns their new values (fresh arrays), so that eager tensors that share a
variable's previous array keep their value.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np

from strataflow._sfnative import call_small as _call_small
from strataflow.compiler import memref

SMALL = 1 << 14  # bytes: up to this, copy through persistent buffers

_free = memref._libc.free
_memmove = ctypes.memmove


class _Slot:
    """One argument: its descriptor, and a persistent buffer when static and small."""

    __slots__ = ("desc", "ptr", "buffer", "dtype", "shape", "written", "current")

    def __init__(self, dtype, shape: tuple, written: bool):
        self.dtype = np.dtype(dtype)
        self.shape = tuple(shape)
        self.written = written
        self.current = None  # the array passed by pointer during a call
        self.desc = memref.descriptor_type(len(shape))()
        self.ptr = ctypes.pointer(self.desc)
        self.buffer = None
        if None not in shape and int(np.prod(shape, dtype=np.int64)) * self.dtype.itemsize <= SMALL:
            self.buffer = np.zeros(shape, self.dtype)
            _point(self.desc, self.buffer)

    def bind(self, a) -> None:
        """Points the descriptor at `a` (converted; copied if the code writes it)."""
        a = np.array(a, self.dtype, order="C", copy=True) if self.written \
            else np.asarray(a, self.dtype, order="C")
        if a.ndim != len(self.shape) or any(d is not None and d != n for d, n in zip(self.shape, a.shape)):
            raise ValueError(f"argument of shape {a.shape} passed where {self.shape} is expected")
        self.current = a
        _point(self.desc, a)

    def new_value(self) -> np.ndarray:
        if self.buffer is not None:
            return self.buffer.copy()
        a, self.current = self.current, None
        return a


def _point(desc, a: np.ndarray) -> None:
    address = a.ctypes.data
    desc.allocated = address
    desc.aligned = address
    desc.offset = 0
    if a.ndim:
        desc.sizes[:] = a.shape
        desc.strides[:] = [s // a.itemsize for s in a.strides]


class Executor:
    """Calls one compiled function; see the module docstring.

        >>> from mlir import ir
        >>> from strataflow.compiler import compile_module, new_context
        >>> module = ir.Module.parse('''
        ... func.func @f(%x: tensor<f32>) -> tensor<f32> {
        ...   %y = sf.add %x, %x : tensor<f32>
        ...   return %y : tensor<f32>
        ... }''', context=new_context())
        >>> ex = Executor(compile_module(module, "f"), [(np.float32, ())], [(np.float32, ())])
        >>> ex([np.float32(1.0)])           # (results, new values of written arguments)
        ([array(2., dtype=float32)], ())
    """

    def __init__(self, compiled, inputs, outputs, written=()):
        self._compiled = compiled  # keeps the engine (and the code) alive
        self._cfunc = compiled.current()
        self._tiering = compiled.tiering  # newer code may come (TieredEngine)
        self._spec = (inputs, outputs, tuple(written))
        self._slots = [_Slot(d, s, i in written) for i, (d, s) in enumerate(inputs)]
        self._written = [self._slots[i] for i in written]
        self._out = []
        for d, s in outputs:
            d = np.dtype(d)
            small = None not in s and int(np.prod(s, dtype=np.int64)) * d.itemsize <= SMALL
            stage = np.zeros(s, d) if small else None  # results are copied through it
            self._out.append((d, len(s), stage, stage.ctypes.data if small else 0, stage.nbytes if small else 0))
        if len(outputs) == 1:
            self._result = memref.descriptor_type(len(outputs[0][1]))()
            self._fields = None
        else:
            fields = [(f"r{i}", memref.descriptor_type(len(s))) for i, (_, s) in enumerate(outputs)]
            self._result = type("Results", (ctypes.Structure,), {"_fields_": fields})()
            self._fields = [f for f, _ in fields]
        keep = [ctypes.pointer(self._result)] if outputs else []
        keep += [slot.ptr for slot in self._slots]
        self._keep = keep
        self._packed = (ctypes.c_void_p * len(keep))(*[ctypes.addressof(p) for p in keep])
        self._lock = threading.Lock()
        # The common case -- small static arguments, one small static result,
        # nothing written -- has a straight-line path (`call_one`).
        self._buffers = [slot.buffer for slot in self._slots]
        self.simple = (len(self._out) == 1 and self._out[0][2] is not None and not self._written
                       and all(b is not None for b in self._buffers))
        if self.simple:  # the arguments of _sfnative.call_small around the arrays
            dtype, _, stage, address, nbytes = self._out[0]
            self._fast = (ctypes.cast(self._cfunc, ctypes.c_void_p).value,
                          ctypes.addressof(self._packed),
                          tuple((b.ctypes.data, b.nbytes) for b in self._buffers))
            self._fast_result = (ctypes.addressof(self._result), dtype.itemsize, address, nbytes)
            self._stage = stage

    def _rebind(self) -> None:
        """Calls the optimized code from now on (see `TieredEngine`)."""
        self._cfunc = self._compiled.current()
        self._tiering = None
        if self.simple:
            self._fast = (ctypes.cast(self._cfunc, ctypes.c_void_p).value,) + self._fast[1:]

    def call_one(self, arrays: list) -> np.ndarray:
        """`self(arrays)[0][0]` for `simple` executors, in fewer steps (in
        C++ when every array is C-contiguous)."""
        if not self._lock.acquire(blocking=False):
            return self(arrays)[0][0]
        try:
            if self._tiering is not None and self._tiering.version:
                self._rebind()
            if _call_small(*self._fast, arrays, *self._fast_result):
                return self._stage.copy()
            for buffer, a in zip(self._buffers, arrays):
                buffer[...] = a
            self._cfunc(self._packed)
            r = self._result
            dtype, _, stage, address, nbytes = self._out[0]
            if nbytes:
                _memmove(address, r.aligned + r.offset * dtype.itemsize, nbytes)
            _free(r.allocated)
            return stage.copy()
        finally:
            self._lock.release()

    def __call__(self, arrays):
        """Runs the code: returns (results, new values of the written arguments)."""
        if not self._lock.acquire(blocking=False):  # another thread is in a call:
            return Executor(self._compiled, *self._spec)(arrays)  # use fresh buffers
        try:
            if self._tiering is not None and self._tiering.version:
                self._rebind()
            for slot, a in zip(self._slots, arrays):
                if slot.buffer is not None:
                    slot.buffer[...] = a
                else:
                    slot.bind(a)
            self._cfunc(self._packed)
            r = self._result
            descs = (r,) if self._fields is None else [getattr(r, f) for f in self._fields]
            results = _take_all(descs, self._out)
            new_values = [slot.new_value() for slot in self._written] if self._written else ()
            for slot in self._slots:
                slot.current = None
            return results, new_values
        finally:
            self._lock.release()


def _take_all(descs, outs) -> list:
    """The results as arrays. One buffer can back several results (CSE merged
    equal values): the first takes it, the others copy it first."""
    owners, copies = set(), {}
    for i, (d, (dtype, rank, *_)) in enumerate(zip(descs, outs)):
        if d.allocated in owners:
            copies[i] = memref.view(d, dtype, rank).copy()
        elif d.allocated:
            owners.add(d.allocated)
    return [copies[i] if i in copies else _take(d, *o) for i, (d, o) in enumerate(zip(descs, outs))]


def _take(desc, dtype, rank, stage, address, nbytes):
    """A result as an array: small static ones copied out through a staging
    buffer whose address is known (the returned buffer is freed), others
    adopted without a copy."""
    if stage is None or not desc.aligned:
        return memref.adopt(desc, dtype, rank)
    if nbytes:
        _memmove(address, desc.aligned + desc.offset * dtype.itemsize, nbytes)
    _free(desc.allocated)
    return stage.copy()
