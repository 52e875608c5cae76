"""NumPy arrays <-> MLIR memref descriptors (the C interface of compiled code).

A ranked memref crosses the boundary as
``{allocated*, aligned*, offset, sizes[rank], strides[rank]}``. Inputs point at
the NumPy data (no copy); results are buffers the compiled code allocated and
hands over, adopted by NumPy without a copy and freed when the array dies.
"""
from __future__ import annotations

import ctypes
import functools
import weakref

import numpy as np

_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None


# glibc mallopt parameters.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@functools.lru_cache(maxsize=None)
def keep_freed_memory() -> None:
    """Compiled code allocates its buffers (results, temporaries) with malloc
    on every call. By default glibc serves blocks over 128 KiB with mmap and
    gives freed memory back to the OS, so each call of a train step page-faults
    all of its buffers in again (measured: half the time of an MLP step).
    Keeping up to 64 MiB blocks in the heap makes a repeated call reuse them,
    as the arenas of TF and JAX do. Once per process; no-op off glibc."""
    mallopt = getattr(_libc, "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, 64 << 20)
        mallopt(_M_TRIM_THRESHOLD, 256 << 20)


@functools.lru_cache(maxsize=None)
def descriptor_type(rank: int) -> type[ctypes.Structure]:
    """The ctypes struct of a rank-`rank` memref descriptor."""
    fields = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
    ]
    if rank:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    return type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})


def to_descriptor(array: np.ndarray) -> ctypes.Structure:
    """A descriptor viewing `array`'s data (which must stay alive)."""
    desc = descriptor_type(array.ndim)()
    ptr = array.ctypes.data
    desc.allocated = ptr
    desc.aligned = ptr
    desc.offset = 0
    if array.ndim:
        itemsize = array.itemsize
        desc.sizes[:] = array.shape
        desc.strides[:] = [s // itemsize for s in array.strides]
    return desc


def _view(desc: ctypes.Structure, dtype: np.dtype, rank: int):
    """(array viewing the descriptor's data, the ctypes buffer under it or None)."""
    shape = tuple(desc.sizes) if rank else ()
    dtype = np.dtype(dtype)
    if int(np.prod(shape, dtype=np.int64)) == 0 or not desc.aligned:
        return np.empty(shape, dtype), None
    strides = tuple(s * dtype.itemsize for s in desc.strides) if rank else ()
    start = desc.aligned + desc.offset * dtype.itemsize
    span = 1 + sum((d - 1) * abs(s) for d, s in zip(shape, strides)) // dtype.itemsize
    raw = (ctypes.c_byte * (span * dtype.itemsize)).from_address(start)
    flat = np.frombuffer(raw, dtype=dtype, count=span)
    return np.lib.stride_tricks.as_strided(flat, shape=shape, strides=strides), raw


def view(desc: ctypes.Structure, dtype: np.dtype, rank: int) -> np.ndarray:
    """A NumPy view (no copy, no ownership) of the data a descriptor points at."""
    return _view(desc, dtype, rank)[0]


def adopt(desc: ctypes.Structure, dtype: np.dtype, rank: int) -> np.ndarray:
    """Wraps a returned descriptor as an ndarray that frees it when collected."""
    array, raw = _view(desc, dtype, rank)
    if raw is not None:
        # Every view of the data keeps `raw` alive, so free with it.
        weakref.finalize(raw, _libc.free, desc.allocated)
    elif desc.allocated:
        _libc.free(desc.allocated)
    return array
