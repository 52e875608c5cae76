"""Automatic differentiation: `GradientTape` (eager and inside `sf.function`),
`custom_gradient`, `recompute_grad`.

    tape.py             GradientTape, UnconnectedGradients (recording, watching)
    backprop.py         the reverse pass over a tape's entries
    jacobian.py         jacobian / batch_jacobian
    custom_gradient.py  custom_gradient, recompute_grad
"""
from strataflow.autodiff.custom_gradient import custom_gradient, recompute_grad
from strataflow.autodiff.tape import GradientTape, UnconnectedGradients

__all__ = ["GradientTape", "UnconnectedGradients", "custom_gradient", "recompute_grad"]
