"""`sf.linalg`: matrix ops. inv/det/solve/cholesky run eagerly via LAPACK
(NumPy); staged, they are unrolled over the (static, at most
`MAX_STAGED_SIZE`) matrix size: Gauss-Jordan elimination with partial
pivoting and the column-by-column Cholesky factorization, written with ops.
Staged, a singular (or, for cholesky, not positive definite) matrix gives
inf/NaN where eager raises. The rest are composites of primitives.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError, UnimplementedError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import array_ops, math_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.math_ops import matmul, multiply, reduce_sum  # noqa: F401 - sf.linalg.matmul
from strataflow.ops.registry import apply, composite, op_def


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


# -- staged forms: unrolled over the matrix size --------------------------

MAX_STAGED_SIZE = 128  # the unrolled IR grows with n (about 20 ops per step)


def _static_size(x, what):
    n = x.shape.dims[-1]
    if n is None or n > MAX_STAGED_SIZE:
        raise UnimplementedError(f"a staged {what} needs a static matrix size of at most "
                                 f"{MAX_STAGED_SIZE}, got {n}", op=what)
    return n


def _gauss_jordan(a, b=None):
    """(a^-1 b or None, det a): Gauss-Jordan elimination with partial pivoting
    on the batch [..., n, n]; b is [..., n, k]."""
    n = _static_size(a, "matrix decomposition")
    row_ids = np.arange(n, dtype=np.int32)
    rows = row_ids.reshape(n, 1)
    det = None
    for k in range(n):
        column = a[..., :, k]
        candidates = math_ops.where(row_ids >= k, math_ops.abs(column), -1.0)
        p = array_ops.expand_dims(array_ops.expand_dims(
            math_ops.argmax(candidates, axis=-1, output_type=dtypes.int32), -1), -1)
        at_k, at_p = rows == k, math_ops.equal(rows, p)  # [n, 1], [..., n, 1]

        def swap(t):  # rows k and p exchanged
            row_k = t[..., k:k + 1, :]
            row_p = reduce_sum(math_ops.where(at_p, t, math_ops.zeros_like(t)), axis=-2, keepdims=True)
            return math_ops.where(at_k, row_p, math_ops.where(at_p, row_k, t))

        a = swap(a)
        pivot = a[..., k:k + 1, k:k + 1]
        swapped = math_ops.not_equal(p, k)[..., 0, 0]
        diagonal = pivot[..., 0, 0]
        step = math_ops.where(swapped, -diagonal, diagonal)  # a row swap flips the sign
        det = step if det is None else multiply(det, step)
        factor = a[..., :, k:k + 1]

        def eliminate(t):  # row k divided by the pivot, subtracted from the others
            t_k = math_ops.divide(t[..., k:k + 1, :], pivot)
            return math_ops.where(at_k, t_k, math_ops.subtract(t, multiply(factor, t_k)))

        if b is not None:
            b = eliminate(swap(b))
        a = eliminate(a)
    return b, det


def _identity_like(a):
    n = _static_size(a, "matrix_inverse")
    return array_ops.broadcast_to(np.eye(n, dtype=a.dtype.as_numpy_dtype), array_ops.shape(a))


def _cholesky_staged(a):
    n = _static_size(a, "cholesky")
    row_ids = np.arange(n, dtype=np.int32)
    low = math_ops.zeros_like(a)
    for j in range(n):
        # v_i = a_ij - sum_k L_ik L_jk (columns k >= j of L are still zero)
        v = math_ops.subtract(a[..., :, j], reduce_sum(multiply(low, low[..., j:j + 1, :]), axis=-1))
        d = math_ops.sqrt(v[..., j:j + 1])
        column = math_ops.where(row_ids > j, math_ops.divide(v, d),
                                math_ops.where(row_ids == j, d, math_ops.zeros_like(v)))
        low = math_ops.where(row_ids == j, array_ops.expand_dims(column, -1), low)
    return low


def _inv_grad(ctx, g):
    y = ctx.output  # d(A^-1) = -A^-1 dA A^-1  =>  grad = -Y^T g Y^T
    return [math_ops.negative(matmul(matmul(y, g, transpose_a=True), y, transpose_b=True))]


_INV = op_def("matrix_inverse", _linalg_kernel(np.linalg.inv), _square_infer,
              composite(lambda a: _gauss_jordan(a, _identity_like(a))[0]), _inv_grad)


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


_DET = op_def("matrix_determinant", _linalg_kernel(np.linalg.det), _det_infer,
              composite(lambda a: _gauss_jordan(a)[1]), _det_grad)


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


_SOLVE = op_def("matrix_solve", _linalg_kernel(_solve_kernel), _solve_infer,
                composite(lambda a, b, *, adjoint: _gauss_jordan(matrix_transpose(a) if adjoint else a, b)[0]),
                _solve_grad, dtype_group=(0, 1))


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


_CHOLESKY = op_def("cholesky", _linalg_kernel(np.linalg.cholesky), _square_infer,
                   composite(_cholesky_staged), _cholesky_grad)


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
