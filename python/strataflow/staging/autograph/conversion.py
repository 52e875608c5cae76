"""Converting functions: source -> `transformer.transform` -> a new function
object with the original's globals, defaults and closure cells.

    >>> def f(x):
    ...     if x > 0:
    ...         x = x * 2
    ...     return x
    >>> print(converted_source(f))  # what `convert(f)` compiles when f is in a file
    def f(x):
    ...
        x, = ag__.if_stmt(x > 0, ag__if_true_1, ag__if_false_1, (x,), ('x',), ...)
        return ag__.retval(x)
    >>> convert(f) is f             # typed at a prompt, f has no source file
    True
    >>> convert(np.sum) is np.sum   # library code is never converted
    True

Only user code is converted: not strataflow itself, the standard library or
installed packages, nor lambdas or functions marked `do_not_convert`.
Functions whose source cannot be read (REPL, builtins) run unconverted.
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import linecache
import os
import sysconfig
import textwrap
import types
import warnings
import weakref

from strataflow.staging.autograph import operators, transformer

_by_code: dict = {}                                 # code -> compiled factory module
_converted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_failed: set = set()                                # codes that could not be converted

_LIBRARY_DIRS = tuple(
    os.path.realpath(p) + os.sep
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
) + (os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep,)


def do_not_convert(func):
    """Marks `func` so that AutoGraph calls it as is."""
    func.__ag_do_not_convert__ = True
    return func


def is_user_code(func) -> bool:
    code = getattr(func, "__code__", None)
    if code is None or code.co_name == "<lambda>" or getattr(func, "__ag_do_not_convert__", False):
        return False
    filename = code.co_filename
    return not filename.startswith("<") and not _in_library(filename)


@functools.lru_cache(maxsize=1024)
def _in_library(filename: str) -> bool:
    return os.path.realpath(filename).startswith(_LIBRARY_DIRS)  # realpath: a few stat calls


def convert(func):
    """`func` with AutoGraph applied (bound methods stay bound); `func`
    itself when it is not user code or cannot be converted."""
    if isinstance(func, types.MethodType):
        inner = convert(func.__func__)
        return func if inner is func.__func__ else types.MethodType(inner, func.__self__)
    if not isinstance(func, types.FunctionType) or not is_user_code(func):
        return func
    done = _converted.get(func)
    if done is not None:
        return done
    if func.__code__ in _failed:
        return func
    try:
        new = _convert_function(func)
    except (OSError, TypeError, SyntaxError) as e:
        _failed.add(func.__code__)
        warnings.warn(f"AutoGraph could not convert {func.__qualname__}: {e}; it runs "
                      "unconverted (Python control flow on tensors will fail in it)", stacklevel=3)
        return func
    _converted[func] = new
    return new


def _convert_function(func):
    code = func.__code__
    compiled = _by_code.get(code)
    if compiled is None:
        compiled = _by_code[code] = _compile(func)
    namespace: dict = {}
    exec(compiled, {"__builtins__": builtins}, namespace)  # noqa: S102 - our own generated code
    made = namespace["ag__factory"](_AG)
    cells = dict(zip(code.co_freevars, func.__closure__ or ()))  # the original's cells
    own = dict(zip(made.__code__.co_freevars, made.__closure__ or ()))  # `ag__`
    closure = tuple(cells.get(name, own[name]) for name in made.__code__.co_freevars)
    new = types.FunctionType(made.__code__, func.__globals__, func.__name__, func.__defaults__,
                             closure or None)
    new.__kwdefaults__ = func.__kwdefaults__
    new.__qualname__ = func.__qualname__
    new.__module__ = func.__module__
    new.__dict__.update(func.__dict__)
    new.__ag_converted_from__ = func
    return new


def _parse(func) -> ast.Module:
    """`func`'s definition (decorators included), parsed. Its lines are known
    from the code's positions (nested code included), where
    `inspect.getsource` tokenizes the file to find where the block ends
    (~4 ms on a first call); that only where those lines do not parse (a
    body that is only a docstring has no code)."""
    code = func.__code__
    lines = linecache.getlines(code.co_filename, func.__globals__)
    if lines and hasattr(code, "co_positions"):  # Python 3.11+
        text = "".join(lines[code.co_firstlineno - 1:_last_line(code)])
        try:
            return ast.parse(textwrap.dedent(text))
        except SyntaxError:
            pass
    return ast.parse(textwrap.dedent(inspect.getsource(func)))


def _last_line(code: types.CodeType) -> int:
    ends = [end for _, end, _, _ in code.co_positions() if end is not None]
    nested = [_last_line(c) for c in code.co_consts if isinstance(c, types.CodeType)]
    return max(ends + nested, default=code.co_firstlineno)


def _compile(func):
    code = func.__code__
    tree = _parse(func)
    node = tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name != code.co_name:
        raise TypeError(f"source of {func.__qualname__} is not a plain function definition")
    ast.increment_lineno(tree, code.co_firstlineno - 1)
    node = transformer.transform(node)
    # A factory whose locals are the original free variables (and `ag__`),
    # so the converted function gets cells for exactly those names.
    fake_cells = [ast.Assign(targets=[ast.Name(id=n, ctx=ast.Store())], value=ast.Constant(None))
                  for n in code.co_freevars]
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="ag__")], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])
    factory = ast.FunctionDef(name="ag__factory", args=args,
                              body=fake_cells + [node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
                              decorator_list=[], returns=None, type_params=[])
    module = ast.Module(body=[factory], type_ignores=[])
    ast.copy_location(factory, node)
    ast.fix_missing_locations(module)
    return compile(module, code.co_filename, "exec")


def converted_source(func) -> str:
    """The converted code of `func` as Python text (for debugging)."""
    return ast.unparse(transformer.transform(_parse(func).body[0]))


def converted_call(f, args, kwargs):
    """Calls `f`, converting it first when it is user code (AutoGraph's
    recursive conversion); `sf.function`s inline into the current trace."""
    if f is builtins.range and any(isinstance(a, _tensor_type()) for a in args) or _is_sf_range(f):
        from strataflow.staging.control_flow import range as staged_range

        return staged_range(*args, **kwargs)  # loops over it stay compact when staged
    if f is builtins.len and len(args) == 1 and isinstance(args[0], _tensor_type()) \
            and args[0].shape.rank and args[0].shape[0] is None:
        from strataflow.ops.array_ops import shape

        return shape(args[0])[0]
    if isinstance(f, (types.FunctionType, types.MethodType)):
        return convert(f)(*args, **kwargs)
    if not isinstance(f, type):
        call = getattr(type(f), "__call__", None)
        if isinstance(call, types.FunctionType) and is_user_code(call):
            return convert(call)(f, *args, **kwargs)
    return f(*args, **kwargs)


def _is_sf_range(f) -> bool:
    from strataflow.ops import array_ops

    return f is array_ops.range_


def _tensor_type():
    from strataflow.framework.tensor import Tensor

    return Tensor


_AG = types.SimpleNamespace(
    converted_call=converted_call,
    if_stmt=operators.if_stmt,
    while_stmt=operators.while_stmt,
    for_stmt=operators.for_stmt,
    and_=operators.and_,
    or_=operators.or_,
    not_=operators.not_,
    if_exp=operators.if_exp,
    Undefined=operators.Undefined,
    UndefinedReturnValue=operators.UndefinedReturnValue,
    retval=operators.retval,
)
