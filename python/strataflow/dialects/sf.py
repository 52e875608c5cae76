"""Op builders of the `sf` dialect, e.g. ``sf.AddOp(x, y)``.

Generated from the ODS definitions in ``dialects/`` at build time.
"""
from ._sf_ops_gen import *  # noqa: F401,F403
