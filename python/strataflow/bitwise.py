"""`sf.bitwise`: bit operations on integer tensors (as `tf.bitwise`)."""
from strataflow.ops.math_ops import (  # noqa: F401
    bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift,
)
