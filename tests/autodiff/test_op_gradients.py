"""Every differentiable op: tape gradients vs finite differences, orders 1 and 2."""
from __future__ import annotations

import pytest

from strataflow.ops import registry
from tests.autodiff.gradcheck import check_grads
from tests.autodiff.op_cases import CASES
from tests.ops.differential import run_recorded

import strataflow as sf

# Ops with a gradient rule that the table reaches only through another
# entry's backward pass (their rules are checked at second order there).
_REACHED_BY_SECOND_ORDER = {
    "avg_pool_grad", "conv2d_backprop_filter", "conv2d_backprop_input", "gather_grad",
    "strided_slice_grad", "matrix_inverse", "matrix_determinant", "matrix_solve",
    "read_variable", "select",
}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_finite_differences(case):
    name, fn, args, *options = case
    check_grads(fn, args, **dict(dict(order=2, rtol=1e-4), **(options[0] if options else {})))


def test_every_op_with_a_gradient_rule_is_covered():
    used = set()
    for _, fn, args, *_ in CASES:
        _, records = run_recorded(fn, *[sf.constant(a) for a in args])
        used.update(op.name for op, *_ in records)
    with_rules = {n for n, op in registry.all_ops().items() if op.grad is not None}
    missing = with_rules - used - _REACHED_BY_SECOND_ORDER
    assert not missing, f"ops with gradient rules and no gradient check: {sorted(missing)}"
