"""Eager dispatch overhead: a 2x2 add through strataflow vs `np.add`, in one run.

    PYTHONPATH=python python benchmarks/eager_overhead.py

Prints microseconds per call and the ratio (target: <= 4x NumPy).
"""
import timeit

import numpy as np

import strataflow as sf


def best_us(stmt, number=20000, repeat=7, **ns) -> float:
    return min(timeit.repeat(stmt, globals=ns, number=number, repeat=repeat)) / number * 1e6


def main() -> None:
    a = np.ones((2, 2), np.float32)
    x = sf.constant(a)
    numpy_us = best_us("np.add(a, a)", np=np, a=a)
    rows = [
        ("sf.add(x, x)", best_us("add(x, x)", add=sf.add, x=x)),
        ("x + x", best_us("x + x", x=x)),
        ("x + 1.0", best_us("x + 1.0", x=x)),
    ]
    print(f"np.add(a, a) 2x2 float32: {numpy_us:.2f} us")
    for name, us in rows:
        print(f"{name:<14} {us:6.2f} us   ratio {us / numpy_us:4.2f}x")


if __name__ == "__main__":
    main()
