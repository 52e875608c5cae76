"""Console entry points that wrap native tools shipped in the package."""
from __future__ import annotations

import os
import sys
from importlib.util import find_spec


def native_dir() -> str:
    """The folder of the package's built files (native module, kernels,
    `_bin/`): the package's own in a wheel or an in-tree CMake build, the
    build's in an editable install, whose Python files stay in the source
    tree. Found without loading the native module."""
    spec = find_spec("strataflow._sfnative")
    if spec is None or spec.origin is None:
        return os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(spec.origin)


def sf_opt_path() -> str:
    """Path of the `sf-opt` binary installed with (or built into) the package."""
    return os.path.join(native_dir(), "_bin", "sf-opt")


def sf_opt_main() -> None:
    """`sf-opt`: mlir-opt with the sf dialect and passes (arguments as mlir-opt)."""
    path = sf_opt_path()
    if not os.path.exists(path):
        sys.exit(f"sf-opt: native binary not found at {path}; rebuild strataflow")
    os.execv(path, [path, *sys.argv[1:]])
