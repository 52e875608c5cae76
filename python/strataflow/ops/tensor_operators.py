"""Python operators on `Tensor` (`+ - * / // % ** @`, comparisons, `& | ^ ~ << >>`,
`-x`, `abs`, `[]`), each one `apply` of an op, so eager and staged tensors
behave alike. TF2 semantics: `==` is elementwise; a Python value adopts the
tensor's dtype (`t + 1`); `/` on integers gives floats; `//`, `%` floor.
"""
from __future__ import annotations

from strataflow.framework.tensor import Tensor
from strataflow.ops import array_ops, math_ops
from strataflow.ops.registry import apply

_ADD, _SUB, _MUL = math_ops.add.op, math_ops.subtract.op, math_ops.multiply.op
_FLOORDIV, _MOD, _POW = math_ops.floordiv.op, math_ops.floormod.op, math_ops.pow.op
_LT, _LE, _GT, _GE = (math_ops.less.op, math_ops.less_equal.op,
                      math_ops.greater.op, math_ops.greater_equal.op)


def _binary(op):
    def forward(x, y):
        return apply(op, (x, y))

    def reverse(x, y):
        return apply(op, (y, x))
    return forward, reverse


def _bool_or_bitwise(logical, bitwise):
    def forward(x, y):
        return (logical if x.dtype.is_bool else bitwise)(x, y)

    def reverse(x, y):
        return (logical if x.dtype.is_bool else bitwise)(y, x)
    return forward, reverse


def _eq(x, y):
    if y is None:
        return False
    try:
        return math_ops.equal(x, y)
    except (TypeError, ValueError):  # incomparable: not equal (as TF2)
        return False


def _ne(x, y):
    if y is None:
        return True
    try:
        return math_ops.not_equal(x, y)
    except (TypeError, ValueError):
        return True


def _invert(x):
    return math_ops.logical_not(x) if x.dtype.is_bool else math_ops.invert(x)


def install() -> None:
    T = Tensor
    T.__add__, T.__radd__ = _binary(_ADD)
    T.__sub__, T.__rsub__ = _binary(_SUB)
    T.__mul__, T.__rmul__ = _binary(_MUL)
    T.__floordiv__, T.__rfloordiv__ = _binary(_FLOORDIV)
    T.__mod__, T.__rmod__ = _binary(_MOD)
    T.__pow__, T.__rpow__ = _binary(_POW)
    T.__truediv__ = lambda x, y: math_ops.divide(x, y)
    T.__rtruediv__ = lambda x, y: math_ops.divide(y, x)
    T.__matmul__ = lambda x, y: math_ops.matmul(x, y)
    T.__rmatmul__ = lambda x, y: math_ops.matmul(y, x)
    T.__lt__ = lambda x, y: apply(_LT, [x, y])
    T.__le__ = lambda x, y: apply(_LE, [x, y])
    T.__gt__ = lambda x, y: apply(_GT, [x, y])
    T.__ge__ = lambda x, y: apply(_GE, [x, y])
    T.__eq__ = _eq
    T.__ne__ = _ne
    T.__and__, T.__rand__ = _bool_or_bitwise(math_ops.logical_and, math_ops.bitwise_and)
    T.__or__, T.__ror__ = _bool_or_bitwise(math_ops.logical_or, math_ops.bitwise_or)
    T.__xor__, T.__rxor__ = _bool_or_bitwise(math_ops.logical_xor, math_ops.bitwise_xor)
    T.__invert__ = _invert
    T.__lshift__, T.__rlshift__ = _binary(math_ops.left_shift.op)
    T.__rshift__, T.__rrshift__ = _binary(math_ops.right_shift.op)
    T.__neg__ = math_ops.negative
    T.__pos__ = lambda x: x
    T.__abs__ = math_ops.abs
    T.__getitem__ = array_ops.getitem


install()
