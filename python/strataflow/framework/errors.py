"""Errors named as in TensorFlow (`sf.errors.InvalidArgumentError`, ...)."""
import linecache
import os
import sys

# .../python/strataflow/ (with separator): frames in here are not user code.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class OpError(Exception):
    """Base of the errors an op raises; `op` names the op that failed."""

    def __init__(self, message: str, op: str | None = None):
        super().__init__(message)
        self.message = message
        self.op = op


class InvalidArgumentError(OpError, ValueError):
    """An op got an argument it cannot accept (shape, dtype, value)."""


class OutOfRangeError(OpError, IndexError):
    """An index or iteration went past the end."""


class UnimplementedError(OpError, NotImplementedError):
    """The operation is not supported (e.g. on this path)."""


class InternalError(OpError, RuntimeError):
    """An internal invariant was broken."""


class CompilationError(RuntimeError):
    """The compiler rejected a module; the message holds MLIR diagnostics."""


class CompilerFallbackWarning(UserWarning):
    """The optimizing pipeline failed on a function: it runs slower code
    (naive loops, or the first tier of a tiered compile)."""


class NotFoundError(OpError, LookupError):
    """A requested entity (op, variable, file) does not exist."""


class FailedPreconditionError(OpError, RuntimeError):
    """The system is not in a state the operation needs (e.g. uninitialized variable)."""


class ResourceExhaustedError(OpError, MemoryError):
    """Out of memory or another resource."""


def user_frame():
    """The innermost stack frame outside the strataflow package (or None).

    Errors and staged IR point at this frame: the line of user code that
    called into strataflow.
    """
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_PACKAGE_DIR):
        f = f.f_back
    return f


def user_location() -> str:
    """`file:line: source` of the user code that called into strataflow."""
    f = user_frame()
    if f is None:
        return "<unknown>"
    filename, lineno = f.f_code.co_filename, f.f_lineno
    source = linecache.getline(filename, lineno).strip()
    return f"{filename}:{lineno}" + (f": {source}" if source else "")
