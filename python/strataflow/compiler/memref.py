"""NumPy arrays <-> MLIR memref descriptors (the C interface of compiled code).

A ranked memref crosses the boundary as
``{allocated*, aligned*, offset, sizes[rank], strides[rank]}``. Inputs point at
the NumPy data (no copy); results are buffers the compiled code allocated and
hands over, adopted by NumPy without a copy and freed when the array dies.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np

_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None


# glibc mallopt parameters; the largest mmap threshold glibc accepts (64-bit).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MAX_MMAP_THRESHOLD = 32 << 20


@functools.lru_cache(maxsize=None)
def keep_freed_memory() -> bool:
    """Compiled code allocates its buffers (results, temporaries) with malloc
    on every call. By default glibc serves blocks over 128 KiB with mmap and
    gives freed memory back to the OS, so each call of a train step page-faults
    all of its buffers in again (measured: half the time of an MLP step).
    Blocks up to 32 MiB (glibc's limit) stay in the heap, and up to 1 GiB of
    freed heap is kept, as the arenas of TF and JAX keep theirs: a conv2d train
    step frees ~300 MB of temporaries per call, and with a 256 MiB limit every
    call faulted them in again (300 instead of 175 ms). Once per process;
    whether glibc took both settings (False off glibc)."""
    mallopt = getattr(_libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MAX_MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 1 << 30))


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
    """(array viewing the descriptor's data, the ctypes buffer under it or None).
    Built with one `np.ndarray` call: `as_strided` over `frombuffer` cost ~40 us
    a result, most of a staged call's time for mid-size results."""
    dtype = np.dtype(dtype)
    shape = tuple(desc.sizes) if rank else ()
    if not desc.aligned or 0 in shape:
        return np.empty(shape, dtype), None
    item = dtype.itemsize
    strides = tuple(s * item for s in desc.strides) if rank else ()
    span = item + sum((d - 1) * abs(s) for d, s in zip(shape, strides))
    raw = (ctypes.c_byte * span).from_address(desc.aligned + desc.offset * item)
    return np.ndarray(shape, dtype, buffer=raw, strides=strides), raw


class _Allocation:
    """A buffer that compiled code allocated, freed with the last array over it."""

    __slots__ = ("address",)

    def __init__(self, address: int):
        self.address = address

    def __del__(self):
        _libc.free(self.address)


def view(desc: ctypes.Structure, dtype: np.dtype, rank: int) -> np.ndarray:
    """A NumPy view (no copy, no ownership) of the data a descriptor points at."""
    return _view(desc, dtype, rank)[0]


def adopt(desc: ctypes.Structure, dtype: np.dtype, rank: int) -> np.ndarray:
    """Wraps a returned descriptor as an ndarray that frees it when collected."""
    array, raw = _view(desc, dtype, rank)
    if raw is not None:
        # Every view of the data keeps `raw` alive, and `raw` its allocation.
        raw.allocation = _Allocation(desc.allocated)
    elif desc.allocated:
        _libc.free(desc.allocated)
    return array
