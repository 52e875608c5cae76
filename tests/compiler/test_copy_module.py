"""Module copies made natively (pipeline.copy_module)."""
import gc

from mlir import ir

from strataflow.compiler import new_context
from strataflow.compiler.pipeline import copy_module


def test_module_copies_are_deep_and_own_themselves():
    text = "func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }"
    original = ir.Module.parse(text, context=new_context())
    copy = copy_module(original)
    assert str(copy) == str(original) and copy.context is original.context
    copy.body.operations[0].attributes["sym_name"] = ir.StringAttr.get("g", copy.context)
    assert "@f" in str(original) and "@g" in str(copy)
    del original
    gc.collect()
    assert "func.func @g" in str(copy)  # outlives the module it came from
