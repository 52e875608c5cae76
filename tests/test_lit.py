"""Runs the lit/FileCheck suite (tests/lit) from pytest: one test per file.

    pytest tests/test_lit.py -k elementwise
"""
import os
import pathlib
import subprocess
import sys

import pytest

LIT_ROOT = pathlib.Path(__file__).parent / "lit"
FILES = sorted(p for p in LIT_ROOT.rglob("*.mlir") if "Output" not in p.parts)
SF_OPT = pathlib.Path(__file__).parents[1] / "python" / "strataflow" / "_bin" / "sf-opt"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(LIT_ROOT)))
def test_lit_file(path):
    if not SF_OPT.exists():
        pytest.importorskip("strataflow._sfnative", reason="sf-opt is not built")
    env = dict(os.environ)
    if SF_OPT.exists():  # a development build: use the tree, not an installed copy
        env["PYTHONPATH"] = str(LIT_ROOT.parents[1] / "python")
    result = subprocess.run(
        [sys.executable, "-c", "import lit.main; lit.main.main()", "-v", str(path)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
