"""`strataflow` console command.

    $ strataflow demo      # stage a function, print every IR level, run it, check it
"""
from __future__ import annotations

import argparse
import sys

import numpy as np


def demo() -> int:
    """Stages a small model, prints sf/linalg/loops/llvm, runs it, checks NumPy."""
    import strataflow as sf

    @sf.function(input_signature=[sf.TensorSpec([None, 4], sf.float32)])
    def model(x):
        w = sf.constant(np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(4, 3))
        h = sf.tanh(sf.matmul(x, w) + 0.5)
        # Data-dependent branch: becomes sf.if. (AutoGraph leaves code inside
        # the strataflow package alone, so the library spells it sf.cond.)
        return sf.cond(sf.reduce_sum(h) > 0.0, lambda: h * 2.0, lambda: -h)

    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    ir_at = model.experimental_get_compiler_ir(x)
    for stage in ("sf", "linalg", "loops", "llvm"):
        text = ir_at(stage=stage)
        lines = text.splitlines()
        shown = "\n".join(lines[:60]) + (f"\n  ... ({len(lines) - 60} more lines)" if len(lines) > 60 else "")
        print(f"===== {stage} =====\n{shown}\n")

    got = model(x).numpy()
    w = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(4, 3)
    h = np.tanh(x @ w + 0.5)
    want = h * 2.0 if h.sum() > 0 else -h
    ok = np.allclose(got, want, rtol=1e-5, atol=1e-5)
    print(f"compiled result for a batch of {x.shape[0]}:\n{got}")
    print("matches NumPy:", ok)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="strataflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="stage, lower, run and check a small function")
    args = parser.parse_args(argv)
    if args.command == "demo":
        sys.exit(demo())
