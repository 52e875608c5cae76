"""`sf.math`: elementwise math, comparisons, reductions (as `tf.math`)."""
from strataflow.ops.math_ops import (  # noqa: F401
    abs, add, bitwise_and, bitwise_or, bitwise_xor, cast, divide, equal, exp, floordiv,
    floormod, greater, greater_equal, invert, less, less_equal, log, logical_and, logical_not,
    logical_or, logical_xor, maximum, minimum, mod, multiply, neg, negative, not_equal, pow,
    reduce_prod, reduce_sum, sign, sqrt, square, subtract, truediv,
)
