"""`sf.linalg`: matrix ops. inv/det/solve/cholesky run eagerly via NumPy and
have no `sf` form (staging them raises UnimplementedError naming the op);
the rest are composites of primitives.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import array_ops, math_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.math_ops import matmul, multiply, reduce_sum  # noqa: F401 - sf.linalg.matmul
from strataflow.ops.registry import apply, op_def


def _square_infer(x, **attrs):
    rules.require(x.dtype, "f", "matrix")
    d = x.shape.dims
    if d is not None and (len(d) < 2 or (d[-1] is not None and d[-2] is not None and d[-1] != d[-2])):
        raise InvalidArgumentError(f"expected square matrices [..., n, n], got {rules.dims_text(x.shape)}")
    return x


def _linalg_kernel(fn):
    def kernel(*args, **attrs):
        try:
            return fn(*args, **attrs).astype(args[0].dtype)
        except np.linalg.LinAlgError as e:
            raise InvalidArgumentError(f"{e} (the input is not invertible / not positive definite)") from None
    return kernel


def matrix_transpose(a, name=None):
    """Swaps the last two axes."""
    a = convert_to_tensor(a)
    r = a.shape.rank
    if r is None or r < 2:
        raise InvalidArgumentError(f"matrix_transpose needs rank >= 2, got {rules.dims_text(a.shape)}")
    return array_ops.transpose(a, list(range(r - 2)) + [r - 1, r - 2])


transpose = matrix_transpose


def _inv_grad(ctx, g):
    y = ctx.output  # d(A^-1) = -A^-1 dA A^-1  =>  grad = -Y^T g Y^T
    return [math_ops.negative(matmul(matmul(y, g, transpose_a=True), y, transpose_b=True))]


_DECOMPOSITION = "the sf lowering of matrix decompositions is not built yet (eager runs LAPACK)"
_INV = op_def("matrix_inverse", _linalg_kernel(np.linalg.inv), _square_infer, None, _inv_grad,
              eager_only=_DECOMPOSITION)


def inv(input, adjoint=False, name=None):  # noqa: A002
    """Inverse of each square matrix (error if singular)."""
    x = apply(_INV, [input])
    return matrix_transpose(x) if adjoint else x


def _det_infer(x):
    _square_infer(x)
    d = x.shape.dims
    return TensorSpec(TensorShape(None if d is None else d[:-2]), x.dtype)


def _det_grad(ctx, g):
    x = ctx.inputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(multiply(g, ctx.output), -1), -1)
    return [multiply(scale, matrix_transpose(inv(x)))]


_DET = op_def("matrix_determinant", _linalg_kernel(np.linalg.det), _det_infer, None, _det_grad,
              eager_only=_DECOMPOSITION)


def det(input, name=None):  # noqa: A002
    """Determinant of each square matrix."""
    return apply(_DET, [input])


def _solve_infer(a, b, *, adjoint):
    dt = rules.same_dtype(a, b)
    _square_infer(a)
    ad, bd = a.shape.dims, b.shape.dims
    if bd is not None and len(bd) < 2:
        raise InvalidArgumentError(f"rhs must be [..., n, k], got {rules.dims_text(b.shape)}")
    if ad is not None and bd is not None and ad[-1] is not None and bd[-2] is not None and ad[-1] != bd[-2]:
        raise InvalidArgumentError(
            f"matrix {rules.dims_text(a.shape)} and rhs {rules.dims_text(b.shape)} do not match")
    return TensorSpec(b.shape, dt)


def _solve_kernel(a, b, *, adjoint):
    return np.linalg.solve(np.swapaxes(a, -1, -2) if adjoint else a, b)


def _solve_grad(ctx, g):
    a, _ = ctx.inputs
    adjoint = ctx.attrs["adjoint"]
    gb = solve(a, g, adjoint=not adjoint)
    x = ctx.output
    ga = math_ops.negative(matmul(x, gb, transpose_b=True) if adjoint else matmul(gb, x, transpose_b=True))
    return [ga, gb]


_SOLVE = op_def("matrix_solve", _linalg_kernel(_solve_kernel), _solve_infer, None, _solve_grad,
                eager_only=_DECOMPOSITION,
                dtype_group=(0, 1))


def solve(matrix, rhs, adjoint=False, name=None):
    """X with matrix @ X = rhs (matrix^T @ X = rhs with `adjoint`)."""
    return apply(_SOLVE, [matrix, rhs], adjoint=bool(adjoint))


def _cholesky_grad(ctx, g):
    # Murray (2016): S = L^-T Phi(L^T g) L^-1, grad = (S + S^T) / 2, where
    # Phi keeps the lower triangle and halves the diagonal.
    low = ctx.output
    n = low.shape[-1]
    if n is None:
        raise InvalidArgumentError("the gradient of cholesky needs a static matrix size")
    phi = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    p = multiply(matmul(low, g, transpose_a=True), phi.astype(low.dtype._np))
    linv = inv(low)
    s = matmul(matmul(linv, p, transpose_a=True), linv)
    return [multiply(math_ops.add(s, matrix_transpose(s)), 0.5)]


_CHOLESKY = op_def("cholesky", _linalg_kernel(np.linalg.cholesky), _square_infer, None, _cholesky_grad,
                   eager_only=_DECOMPOSITION)


def cholesky(input, name=None):  # noqa: A002
    """Lower-triangular L with L @ L^T = input (symmetric positive definite)."""
    return apply(_CHOLESKY, [input])


def matvec(a, b, transpose_a=False, name=None):
    """Matrix-vector product over the last axes."""
    b = convert_to_tensor(b)
    return array_ops.squeeze(matmul(a, array_ops.expand_dims(b, -1), transpose_a=transpose_a), [-1])


def diag(diagonal, name=None):
    """A (batched) square matrix with `diagonal` on its diagonal."""
    v = convert_to_tensor(diagonal)
    n = v.shape[-1] if v.shape.rank else None
    if n is None:
        raise InvalidArgumentError("diag needs a static last dimension")
    return multiply(array_ops.expand_dims(v, -1), np.eye(n, dtype=v.dtype._np))


def diag_part(input, name=None):  # noqa: A002
    """The diagonal of each (square) matrix."""
    x = convert_to_tensor(input)
    n = x.shape[-1]
    if n is None or x.shape[-2] != n:
        raise InvalidArgumentError(f"diag_part needs static square matrices, got {rules.dims_text(x.shape)}")
    return reduce_sum(multiply(x, np.eye(n, dtype=x.dtype._np)), -1)


def trace(x, name=None):
    """Sum of the diagonal of each matrix."""
    return reduce_sum(diag_part(x), -1)


def norm(tensor, ord="euclidean", axis=None, keepdims=False, name=None):  # noqa: A002
    """Vector norms (ord euclidean/2, 1, inf) over `axis`, or the Frobenius
    norm ("fro"/"euclidean") over two axes."""
    x = convert_to_tensor(tensor)
    if ord in ("euclidean", "fro", 2, 2.0):
        if ord in (2, 2.0) and isinstance(axis, (list, tuple)) and len(axis) == 2:
            raise InvalidArgumentError("the matrix 2-norm (spectral) is not supported")
        return math_ops.sqrt(reduce_sum(math_ops.square(x), axis, keepdims=keepdims))
    if ord in (1, 1.0):
        return reduce_sum(math_ops.abs(x), axis, keepdims=keepdims)
    if ord == np.inf:
        return math_ops.reduce_max(math_ops.abs(x), axis, keepdims=keepdims)
    raise InvalidArgumentError(f"unsupported norm order {ord!r}")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    return math_ops.l2_normalize(x, axis, epsilon)
