"""The CPU this process compiles for: vector ISA and a fingerprint of it.

    >>> vector_target() in ("avx512", "avx2")
    True

LLVM's JIT already generates code for the host CPU (its target machine is
detected from the host); this decides the *tile sizes* of the schedule
(`sf-cpu-tile-and-vectorize{target=...}`) and keys the disk cache.
"""
from __future__ import annotations

import functools
import platform

_AVX512 = frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl"})
# What libsf_kernels' objects need: x86-64-v3 and x86-64-v4 (lib/Kernels).
_X86_64_V3 = frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "abm"})
_KERNEL_FEATURES = {"avx2": _X86_64_V3, "avx512": _X86_64_V3 | _AVX512 | {"avx512cd"}}


@functools.lru_cache(maxsize=None)
def _cpuinfo() -> tuple[frozenset, str]:
    flags, model = frozenset(), ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "flags" and not flags:
                    flags = frozenset(value.split())
                elif key == "model name" and not model:
                    model = value.strip()
                if flags and model:
                    break
    except OSError:  # not Linux: no flags, the AVX2 schedule (still correct)
        pass
    return flags, model


def cpu_flags() -> frozenset:
    """The host CPU's feature flags (empty where /proc/cpuinfo is missing)."""
    return _cpuinfo()[0]


def vector_target() -> str:
    """`avx512` when the host has AVX-512 F/BW/DQ/VL, else `avx2`.

    `avx2` is also the schedule for narrower ISAs: LLVM splits its 256-bit
    vectors, so the code stays correct, only the tiles are not ideal.
    """
    return "avx512" if _AVX512 <= cpu_flags() else "avx2"


def runs_kernels(target: str) -> bool:
    """Whether this CPU runs the precompiled kernels built for `target`."""
    return platform.machine() in ("x86_64", "AMD64") and _KERNEL_FEATURES[target] <= cpu_flags()


def fingerprint() -> str:
    """Identifies the host CPU for cache keys (code is specialized to it)."""
    flags, model = _cpuinfo()
    return f"{platform.machine()}|{model}|{' '.join(sorted(flags))}"
