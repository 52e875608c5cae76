"""The `>>>` examples in the package's docstrings run and show what they claim.

Docstring examples are documentation that users copy; they must stay true.
Each module with examples is one test (`sf` and `np` are predefined).
"""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import strataflow

GLOBS = {"sf": strataflow, "np": np}


def _find(mod):
    """The module's doctests that have an example to run (not all `+SKIP`)."""
    return [t for t in doctest.DocTestFinder().find(mod, extraglobs=GLOBS)
            if any(not e.options.get(doctest.SKIP) for e in t.examples)]


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(strataflow.__path__, "strataflow."):
        if info.name.startswith("strataflow.dialects") or info.name.rpartition(".")[2].startswith("libsf_"):
            continue  # generated MLIR bindings; native libraries, not Python modules
        try:
            if _find(importlib.import_module(info.name)):
                names.append(info.name)
        except ValueError:  # an example that does not parse: let its test report it
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in _find(importlib.import_module(name)):
        runner.run(test, out=report.append)
    assert not runner.failures, "".join(report)
