"""Eager dispatch overhead: a 2x2 add through strataflow vs `np.add`, in one run.

    PYTHONPATH=python python benchmarks/eager_overhead.py

Prints the best time per call of each and its ratio to NumPy (target: <= 4x).
The candidates are timed in interleaved rounds so that a busy machine slows
them alike.
"""
import timeit

import numpy as np

import strataflow as sf


def main(rounds: int = 15, number: int = 20000) -> None:
    a = np.ones((2, 2), np.float32)
    x = sf.constant(a)
    add = sf.add
    cases = {
        "np.add(a, a)": lambda: np.add(a, a),
        "sf.add(x, x)": lambda: add(x, x),
        "x + x": lambda: x + x,
        "x + 1.0": lambda: x + 1.0,
    }
    best = {name: float("inf") for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number) / number * 1e6)
    base = best["np.add(a, a)"]
    for name, us in best.items():
        print(f"{name:<14} {us:6.2f} us   {us / base:5.2f}x NumPy")


if __name__ == "__main__":
    main()
