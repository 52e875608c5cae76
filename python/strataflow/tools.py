"""Console entry points that wrap native tools shipped in the package."""
from __future__ import annotations

import os
import sys


def sf_opt_path() -> str:
    """Path of the `sf-opt` binary installed with (or built into) the package."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin", "sf-opt")


def sf_opt_main() -> None:
    """`sf-opt`: mlir-opt with the sf dialect and passes (arguments as mlir-opt)."""
    path = sf_opt_path()
    if not os.path.exists(path):
        sys.exit(f"sf-opt: native binary not found at {path}; rebuild strataflow")
    os.execv(path, [path, *sys.argv[1:]])
