"""Test-wide settings: pass pipelines verify the IR after every pass, so a
pass that produces invalid IR fails the test that ran it (compiles outside
the tests verify only before and after a pipeline)."""
import os

os.environ["STRATAFLOW_VERIFY_EACH"] = "1"
