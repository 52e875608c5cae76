"""`sf.math`: elementwise math, comparisons, reductions, scans (as `tf.math`)."""
from strataflow.ops.math_ops import (  # noqa: F401
    abs, add, add_n, argmax, argmin, bitwise_and, bitwise_or, bitwise_xor, cast, ceil,
    clip_by_value, cos, cumprod, cumsum, divide, divide_no_nan, equal, erf, erfinv, exp, expm1, floor,
    floordiv, floormod, gelu, greater, greater_equal, invert, is_finite, is_inf, is_nan, l2_normalize,
    less, less_equal, log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum,
    minimum, mod, multiply, neg, negative, not_equal, pow, reciprocal, reduce_all, reduce_any,
    reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum,
    reduce_variance, relu, round, rsqrt, sigmoid, sign, sin, sqrt, square, squared_difference,
    subtract, tanh, tensordot, top_k, truediv,
)
from strataflow.ops.array_ops import unsorted_segment_sum  # noqa: F401
from strataflow.ops.nn_ops import log_softmax, softmax, softplus  # noqa: F401
