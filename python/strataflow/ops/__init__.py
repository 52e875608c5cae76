"""The op library: one `OpDef` per primitive (see `registry`), grouped by family.

Importing this package registers every op and installs Tensor operators.
"""
from strataflow.ops import (  # noqa: F401
    array_ops, linalg_ops, math_ops, nn_ops, random_ops, tensor_operators,
)
