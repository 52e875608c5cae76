"""The op library: one `OpDef` per primitive (see `registry`), grouped by family.

Importing this package registers every op and installs Tensor operators.
"""
from strataflow.ops import array_ops, math_ops, tensor_operators  # noqa: F401
