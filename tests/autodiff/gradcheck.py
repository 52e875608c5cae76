"""`check_grads`: reverse-mode gradients vs central finite differences (float64),
to any order, like `jax.test_util.check_grads`.

    check_grads(lambda x, y: x * sf.sin(y), [x, y], order=2)

For each order the function's outputs are contracted with a random cotangent
and the tape's gradients are compared, along a random direction, with the
central difference of that scalar. Order k+1 checks the function
`xs -> tape.gradient(<f(xs), c>, xs)` (a nested tape), so second order
exercises the gradient rules of the ops the rules themselves use.
"""
from __future__ import annotations

import numpy as np

import strataflow as sf


def _floats(out) -> list:
    leaves = list(out) if isinstance(out, (list, tuple)) else [out]
    return [o for o in leaves if isinstance(o, sf.Tensor) and o.dtype.is_floating]


def _evaluate(f, xs):
    return [o.numpy() for o in _floats(f(*[sf.constant(x) for x in xs]))]


def gradient_function(f, cotangents):
    """xs -> d<f(xs), cotangents>/dxs, computed with a tape (zeros if unconnected)."""
    def grads(*xs):
        with sf.GradientTape() as tape:
            tape.watch(list(xs))
            outs = _floats(f(*xs))
        return tape.gradient(outs, list(xs), output_gradients=cotangents,
                             unconnected_gradients=sf.UnconnectedGradients.ZERO)
    return grads


def check_vjp(f, args, rng, rtol=1e-5, atol=1e-7, eps=1e-6):
    """Checks first-order gradients of `f` at `args`; returns the cotangents used."""
    outs = _evaluate(f, args)
    assert outs, "check_grads needs floating outputs"
    cots = [rng.standard_normal(o.shape) for o in outs]
    dirs = [rng.standard_normal(np.shape(a)) for a in args]
    grads = gradient_function(f, [sf.constant(c) for c in cots])(*[sf.constant(a) for a in args])
    analytic = 0.0
    for g, d, a in zip(grads, dirs, args):
        assert tuple(g.shape) == np.shape(a), f"gradient shape {g.shape} for argument {np.shape(a)}"
        assert g.dtype == sf.float64, f"gradient dtype {g.dtype}"
        analytic += float(np.sum(g.numpy() * d))

    def scalar(step):
        return sum(float(np.sum(o * c)) for o, c in
                   zip(_evaluate(f, [a + step * d for a, d in zip(args, dirs)]), cots))
    numeric = (scalar(eps) - scalar(-eps)) / (2 * eps)
    scale = max(abs(analytic), abs(numeric), 1.0)
    assert abs(analytic - numeric) <= atol + rtol * scale, \
        f"directional derivative: tape {analytic!r} vs finite differences {numeric!r}"
    return [sf.constant(c) for c in cots]


def check_grads(f, args, order=2, rtol=1e-5, atol=1e-7, eps=1e-6, seed=0):
    """Checks gradients of `f(*tensors)` at `args` (float64 NumPy arrays) up to `order`."""
    rng = np.random.default_rng(seed)
    args = [np.asarray(a, np.float64) for a in args]
    for _ in range(order):
        cots = check_vjp(f, args, rng, rtol, atol, eps)
        f = gradient_function(f, cots)
