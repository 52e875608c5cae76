"""Errors named as in TensorFlow (`sf.errors.InvalidArgumentError`, ...)."""


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
