"""The op library: one `OpDef` per primitive (see `registry`), grouped by family.

Importing this package registers every op and installs Tensor operators.

Adding an op:
* elementwise: one line in `math_ops`, e.g.
  ``sin = unary("sin", np.sin, FLOAT, _grad_by(lambda c: cos(_x(c))))``;
* other primitives: ``op_def(name, kernel, infer, emit, grad)`` next to the
  public function that calls ``apply(op, inputs, **attrs)``; when the `sf`
  form is a composition of other ops (sorting networks, conv gradients),
  ``emit=composite(fn)`` with `fn` written with ops;
* composites: a Python function of existing ops (no emitter or gradient needed);
* a test: one ``check(fn, numpy_reference, *arrays)`` line in tests/ops
  (tests/ops/differential.py).
"""
from strataflow.ops import (  # noqa: F401
    array_ops, linalg_ops, math_ops, nn_ops, random_ops, tensor_operators,
)
