"""Staging: `sf.function` traces Python into `sf` IR that is compiled and reused.

    graph.py         FuncGraph (one func.func being traced), SymbolicTensor, captures
    trace_key.py     what of a call selects a concrete function
    function.py      sf.function / Function / ConcreteFunction: trace cache, compile, call
    control_flow.py  sf.cond, sf.while_loop, sf.case, sf.switch_case, sf.range (eager & staged)
    tensor_array.py  sf.TensorArray
    print_op.py      sf.print (runs with the compiled code)
    executor.py      the lean per-call path into compiled code
    autograph/       Python if/while/for/break/continue/return -> sf.if/sf.while
"""
from strataflow.staging import autograph
from strataflow.staging.control_flow import case, cond, range, switch_case, while_loop  # noqa: A004
from strataflow.staging.function import ConcreteFunction, Function, RetracingWarning, function
from strataflow.staging.print_op import print_ as print  # noqa: A004 - TF's name
from strataflow.staging.tensor_array import TensorArray

__all__ = [
    "ConcreteFunction", "Function", "RetracingWarning", "autograph", "case", "cond", "function",
    "print", "range", "switch_case", "TensorArray", "while_loop",
]
