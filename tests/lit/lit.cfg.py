# lit configuration of strataflow's FileCheck tests (`lit -v tests/lit`).
#
# Tools: `sf-opt` from the source tree's python/strataflow/_bin (a development
# build) or else from the installed strataflow package; `FileCheck` is the
# `filecheck` command of the PyPI package of that name. `not` is lit's
# built-in.
import importlib.util
import os
import shutil
import sys

import lit.formats

config.name = "strataflow"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["Output"]


def _sf_opt_dir():
    here = os.path.join(config.test_source_root, "..", "..", "python", "strataflow", "_bin")
    if os.path.exists(os.path.join(here, "sf-opt")):
        return os.path.abspath(here)
    spec = importlib.util.find_spec("strataflow")
    if spec and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            if os.path.exists(os.path.join(root, "_bin", "sf-opt")):
                return os.path.join(root, "_bin")
    lit_config.fatal("sf-opt not found: build the tree or install strataflow")


def _filecheck():
    found = shutil.which("filecheck") or shutil.which(
        "filecheck", path=os.path.dirname(sys.executable))
    if not found:
        lit_config.fatal("`filecheck` not found: pip install filecheck")
    return found


config.environment["PATH"] = os.pathsep.join(
    [_sf_opt_dir(), os.path.dirname(sys.executable), os.environ.get("PATH", "")])
config.substitutions.append((r"\bFileCheck\b", _filecheck()))
