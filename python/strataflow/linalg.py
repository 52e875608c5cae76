"""`sf.linalg`: matrix products and decompositions (as `tf.linalg`)."""
from strataflow.ops.linalg_ops import (  # noqa: F401
    cholesky, det, diag, diag_part, inv, l2_normalize, matmul, matrix_transpose, matvec, norm,
    solve, trace, transpose,
)
from strataflow.ops.math_ops import einsum, tensordot  # noqa: F401
