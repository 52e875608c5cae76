"""strataflow: a TensorFlow-2-style ML framework whose graph path is MLIR.

    >>> import strataflow as sf
    >>> x = sf.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> sf.reduce_sum(x @ x, axis=1).numpy()
    array([17., 37.], dtype=float32)

Eager execution is pure NumPy; the compiler (`strataflow.compiler`, which
needs MLIR and the native module) is imported only when used.
"""
from strataflow.framework import dtypes, errors
from strataflow.framework.context import executing_eagerly
from strataflow.framework.dtypes import (  # noqa: A004 - TF's names
    DType, as_dtype, bfloat16, bool, double, float16, float32, float64, half, int8, int16,
    int32, int64, uint8,
)
from strataflow.framework.module import Module
from strataflow.framework.tensor import Tensor, convert_to_tensor, is_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.framework.variables import Variable
from strataflow import ops as _ops  # registers ops, installs Tensor operators
from strataflow.ops.array_ops import (
    boolean_mask, broadcast_to, concat, constant, expand_dims, eye, fill, gather, gather_nd,
    identity, linspace, one_hot, ones, ones_like, pad, rank, reshape, reverse, scatter_nd,
    sequence_mask, shape, size, split, squeeze, stack, stop_gradient, strided_slice, tile,
    transpose, unique, unstack, zeros, zeros_like,
)
from strataflow.ops.array_ops import range_ as range  # noqa: A004
from strataflow.ops.array_ops import argsort, sort
from strataflow.ops.math_ops import (  # noqa: A004
    abs, add, add_n, argmax, argmin, cast, clip_by_value, cos, cumprod, cumsum, divide, einsum,
    equal, exp, floor, greater, greater_equal, less, less_equal, log, logical_and, logical_not,
    logical_or, matmul, maximum, minimum, multiply, negative, not_equal, pow, reduce_all,
    reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std,
    reduce_sum, reduce_variance, round, sigmoid, sign, sin, sqrt, square, subtract, tanh,
    tensordot, truediv, where,
)
from strataflow import bitwise, config, linalg, math, nn, random  # noqa: E402
from strataflow.autodiff import GradientTape, UnconnectedGradients, custom_gradient, recompute_grad

__all__ = [n for n in dir() if not n.startswith("_")]

# Staging needs MLIR, so it is imported on first use: sf.function, sf.cond, ...
_STAGING = frozenset({
    "function", "cond", "while_loop", "case", "switch_case", "autograph",
    "TensorArray", "print", "ConcreteFunction",
})


def __getattr__(name):
    if name in _STAGING:
        from strataflow import staging

        value = getattr(staging, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strataflow' has no attribute {name!r}")
