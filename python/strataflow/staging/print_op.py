"""`sf.print`: prints tensors when the code runs (not when it is traced).

    >>> sf.print("x =", sf.constant([1, 2]))      # writes "x = [1 2]" to stderr

Each tensor argument is printed on its own line, preceded by the strings
given before it (joined by `sep`); eagerly and in compiled code the text is
the same (`compiler.runtime.format_print`). Inside a trace each tensor
becomes one `sf.print` op, which the compiled code runs in program order.
"""
from __future__ import annotations

import sys

import numpy as np

from strataflow.compiler.runtime import format_print
from strataflow.framework.tensor import EagerTensor, Tensor, convert_to_tensor
from strataflow.ops.registry import apply, op_def


def _print_kernel(x, *, message):
    sys.stderr.write(format_print(message, x) + "\n")
    sys.stderr.flush()


def _print_emit(b, x, *, out_specs, message):
    b.op("sf.print", [x], [], {"message": b.string(message)})
    return []


PRINT = op_def("print", _print_kernel, lambda x, *, message: (), _print_emit, stateful=True)


def print_(*inputs, sep=" ", output_stream=None, summarize=None, end=None, name=None):
    """Prints `inputs` (strings and tensors) at run time; see the module docstring."""
    words: list[str] = []
    for x in inputs:
        if isinstance(x, str):
            words.append(x)
            continue
        if not isinstance(x, Tensor):
            x = x.read_value() if hasattr(x, "read_value") else convert_to_tensor(x)
        apply(PRINT, [x], message=sep.join(words))
        words = []
    if words:  # trailing text: printed with an empty value list
        apply(PRINT, [EagerTensor(np.zeros((0,), np.int32))], message=sep.join(words))
