"""`sf.random`: seeded random tensors (as `tf.random`)."""
from strataflow.ops.random_ops import (  # noqa: F401
    Generator, categorical, normal, set_seed, shuffle, truncated_normal, uniform,
)
