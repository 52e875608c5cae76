# lit configuration of strataflow's FileCheck tests (`lit -v tests/lit`).
#
# Tools: `sf-opt` from the source tree's python/strataflow/_bin (a development
# build) or else from the installed strataflow package; `FileCheck` is the
# `filecheck` command of the PyPI package of that name. `not` is lit's
# built-in.
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
    # An installed package; a source tree on sys.path may shadow it, so look
    # at every strataflow directory on the path, not only the first.
    for entry in sys.path:
        candidate = os.path.join(entry or os.getcwd(), "strataflow", "_bin")
        if os.path.exists(os.path.join(candidate, "sf-opt")):
            return os.path.abspath(candidate)
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
