"""The AutoGraph source transformation: Python control flow -> `ag__` calls.

`transform(func_def, filename)` rewrites one parsed function so that every
statement whose behaviour may depend on a tensor goes through a runtime
operator that decides, when it runs, between plain Python and staging:

    if x > 0:                       def ag__if_true_1(y):
        y = x                           y = x
    else:                   ->          return (y,)
        y = -x                      def ag__if_false_1(y):
                                        y = -x
                                        return (y,)
                                    (y,) = ag__.if_stmt(x > 0, ag__if_true_1,
                                                        ag__if_false_1, (y,), ('y',), 3)

Passes, in order (as in TensorFlow's AutoGraph):
1. `return` inside control flow -> `ag_do_return`/`ag_retval` flags (+ `break`
   when inside a loop) and guards `if not ag_do_return:` on what follows;
2. `continue` / `break` -> flags and guards; a `break` flag also becomes
   part of the loop condition;
3. `if` / `while` / `for` -> `ag__.if_stmt` / `while_stmt` / `for_stmt` with
   the names they modify passed in and out explicitly (loop state);
4. `and` / `or` / `not` / `a if c else b` -> lazy `ag__` operators;
5. calls -> `ag__.converted_call(f, args, kwargs)` (converts user helpers).

Local names are initialised to `ag__.Undefined(name)` at the top so that a
statement can pass "not yet defined" state; using such a value raises an
error naming the variable.
"""
from __future__ import annotations

import ast
import itertools

# Flags created by the passes. They are ordinary loop/branch state, so they
# carry no `ag__` prefix (that prefix marks helper functions, never state).
RETVAL = "ag_retval"
DO_RETURN = "ag_do_return"

_NOT_CONVERTED_CALLS = frozenset({"super", "locals", "globals", "vars", "eval", "exec"})


class ConversionError(SyntaxError):
    """The function uses Python syntax that AutoGraph cannot stage."""


# ---------------------------------------------------------------------------
# small AST helpers
# ---------------------------------------------------------------------------

def _name(id_: str, store: bool = False) -> ast.Name:
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _ag(attr: str) -> ast.Attribute:
    return ast.Attribute(value=_name("ag__"), attr=attr, ctx=ast.Load())


def _call(func, *args) -> ast.Call:
    return ast.Call(func=func, args=list(args), keywords=[])


def _assign(target: str, value) -> ast.Assign:
    return ast.Assign(targets=[_name(target, True)], value=value)


def _const(v) -> ast.Constant:
    return ast.Constant(value=v)


def _tuple(names, store=False) -> ast.Tuple:
    return ast.Tuple(elts=[_name(n, store) for n in names], ctx=ast.Store() if store else ast.Load())


def _not(expr) -> ast.UnaryOp:
    return ast.UnaryOp(op=ast.Not(), operand=expr)


def _located(nodes, origin):
    """Generated statements take the origin's line (one line: tracebacks and
    op locations then point at the statement that was converted)."""
    for n in nodes:
        n.lineno = n.end_lineno = origin.lineno
        n.col_offset = n.end_col_offset = origin.col_offset
        ast.fix_missing_locations(n)
    return nodes


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LOOPS = (ast.For, ast.While, ast.AsyncFor)


def _walk(nodes, stop=_SCOPES):
    """Every node under `nodes` without entering nested scopes (`stop`): a
    nested function/class is visited (its name is bound here), not its body."""
    todo = list(nodes)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, stop):
            todo.extend(ast.iter_child_nodes(node))


def _contains(nodes, kinds, stop=_SCOPES) -> bool:
    return any(isinstance(n, kinds) for n in _walk(nodes, stop))


def assigned_names(nodes) -> list[str]:
    """Names bound by `nodes` in the current scope, in first-binding order."""
    seen: dict[str, None] = {}
    for node in sorted(_walk(nodes), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            seen.setdefault(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            seen.setdefault(node.name)
        elif isinstance(node, ast.alias):
            seen.setdefault((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            seen.setdefault(node.name)
    return [n for n in seen if not n.startswith("ag__")]


# ---------------------------------------------------------------------------
# passes 1-2: return / break / continue -> flags and guards
# ---------------------------------------------------------------------------

def _guard_block(stmts, is_jump, replace, flag, cross_loops):
    """Rewrites a block so that after a jump (`is_jump(stmt)`, replaced by
    `replace(stmt)`) nothing more of it runs: statements that follow a
    statement containing the jump are wrapped in `if not <flag>:`."""
    stop = _SCOPES if cross_loops else _SCOPES + _LOOPS

    def has_jump(s):
        return any(is_jump(n) for n in _walk([s], stop))

    out = []
    for i, s in enumerate(stmts):
        if is_jump(s):
            out.extend(_located(replace(s), s))
            return out  # the rest of the block is unreachable
        if not has_jump(s):
            out.append(s)
            continue
        out.append(_guard_inside(s, is_jump, replace, flag, cross_loops))
        rest = _guard_block(stmts[i + 1:], is_jump, replace, flag, cross_loops)
        if rest:
            out.extend(_located([ast.If(test=_not(_name(flag)), body=rest, orelse=[])], stmts[i + 1]))
        return out
    return out


def _guard_inside(s, is_jump, replace, flag, cross_loops):
    for field in ("body", "orelse", "finalbody"):
        block = getattr(s, field, None)
        if block and (cross_loops or not isinstance(s, _LOOPS)):
            setattr(s, field, _guard_block(block, is_jump, replace, flag, cross_loops) or [ast.Pass()])
    for handler in getattr(s, "handlers", []):
        handler.body = _guard_block(handler.body, is_jump, replace, flag, cross_loops) or [ast.Pass()]
    if isinstance(s, ast.Match):
        for case in s.cases:
            case.body = _guard_block(case.body, is_jump, replace, flag, cross_loops) or [ast.Pass()]
    return s


def _lower_returns(fn: ast.FunctionDef) -> None:
    """`return x` inside control flow -> `ag_do_return = True; ag_retval = x`,
    what follows guarded by `if not ag_do_return:`, every loop around a
    return stopped by `not ag_do_return`, and `return ag_retval` at the end."""
    if not any(_contains([s], ast.Return) and not isinstance(s, ast.Return) for s in fn.body):
        return
    for node in _walk(fn.body):
        if isinstance(node, _LOOPS) and _contains(node.body, ast.Return):
            stop = _not(_name(DO_RETURN))
            if isinstance(node, ast.While):
                node.test = ast.BoolOp(op=ast.And(), values=[stop, node.test])
            else:
                node.ag_extra_test = stop

    def replace(ret: ast.Return):
        value = ret.value if ret.value is not None else _const(None)
        return [_assign(DO_RETURN, _const(True)), _assign(RETVAL, value)]

    body = _guard_block(fn.body, lambda n: isinstance(n, ast.Return), replace, DO_RETURN, True)
    prologue = [_assign(DO_RETURN, _const(False)), _assign(RETVAL, _call(_ag("UndefinedReturnValue")))]
    epilogue = [ast.Return(value=_name(RETVAL))]  # checked by ag__.retval below
    fn.body = _located(prologue, fn.body[0]) + body + _located(epilogue, fn.body[-1])


class _LoopJumps(ast.NodeTransformer):
    """`continue`/`break` -> flags (innermost loops first)."""

    def __init__(self, counter):
        self.counter = counter

    def visit_FunctionDef(self, node):
        return node  # nested functions are converted when they are called

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def _loop(self, node):
        self.generic_visit(node)  # inner loops first
        if node.orelse:
            raise ConversionError(
                f"line {node.lineno}: `else` on a loop is not supported in a staged function"
            )
        pre = []
        if _contains(node.body, ast.Continue, _SCOPES + _LOOPS):
            flag = f"ag_continue_{next(self.counter)}"
            body = _guard_block(node.body, lambda n: isinstance(n, ast.Continue),
                                lambda n: [_assign(flag, _const(True))], flag, False)
            node.body = _located([_assign(flag, _const(False))], node) + body
        if _contains(node.body, ast.Break, _SCOPES + _LOOPS):
            flag = f"ag_break_{next(self.counter)}"
            node.body = _guard_block(node.body, lambda n: isinstance(n, ast.Break),
                                     lambda n: [_assign(flag, _const(True))], flag, False) or [ast.Pass()]
            pre = _located([_assign(flag, _const(False))], node)
            stop = _not(_name(flag))
            if isinstance(node, ast.While):
                node.test = ast.BoolOp(op=ast.And(), values=[stop, node.test])
            else:
                extra = getattr(node, "ag_extra_test", None)
                node.ag_extra_test = stop if extra is None else ast.BoolOp(op=ast.And(), values=[stop, extra])
        return pre + [node] if pre else node

    visit_For = visit_While = _loop


# ---------------------------------------------------------------------------
# pass 3: statements -> ag__ operators
# ---------------------------------------------------------------------------

class _ControlFlow(ast.NodeTransformer):
    def __init__(self, counter, outer_decls: list[ast.stmt], locals_: set[str]):
        self.counter = counter
        self.decls = outer_decls  # `global`/`nonlocal` lines repeated in helpers
        self.locals = locals_

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def _state(self, *blocks) -> list[str]:
        names = assigned_names([s for b in blocks for s in b])
        return [n for n in names if n in self.locals]

    def _def(self, name, params, body, returns):
        args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None,
                             kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        ret = [ast.Return(value=_tuple(returns))] if returns is not None else []
        return ast.FunctionDef(name=name, args=args, body=list(self.decls) + list(body) + ret,
                               decorator_list=[], returns=None, type_params=[])

    def _result(self, node, state, call):
        if state:
            return ast.Assign(targets=[_tuple(state, True)], value=call)
        return ast.Expr(value=call)

    def visit_If(self, node):
        self.generic_visit(node)
        n = next(self.counter)
        state = self._state(node.body, node.orelse)
        true_fn = self._def(f"ag__if_true_{n}", state, node.body, state)
        false_fn = self._def(f"ag__if_false_{n}", state, node.orelse or [ast.Pass()], state)
        call = _call(_ag("if_stmt"), node.test, _name(true_fn.name), _name(false_fn.name),
                     _tuple(state), ast.Tuple(elts=[_const(s) for s in state], ctx=ast.Load()),
                     _const(node.lineno))
        return _located([true_fn, false_fn, self._result(node, state, call)], node)

    def _options(self, node):
        """`set_loop_options(...)` calls at the top of a loop body become the
        loop's options (evaluated once, before the loop)."""
        options, body = [], []
        for s in node.body:
            if (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                    and getattr(s.value.func, "attr", getattr(s.value.func, "id", None)) == "set_loop_options"):
                options.extend(s.value.keywords)
            else:
                body.append(s)
        node.body = body or [ast.Pass()]
        return ast.Call(func=ast.Name(id="dict", ctx=ast.Load()), args=[], keywords=options)

    def visit_While(self, node):
        options = self._options(node)
        self.generic_visit(node)
        n = next(self.counter)
        state = self._state(node.body)
        test_fn = self._def(f"ag__while_test_{n}", state, [ast.Return(value=node.test)], None)
        body_fn = self._def(f"ag__while_body_{n}", state, node.body, state)
        call = _call(_ag("while_stmt"), _name(test_fn.name), _name(body_fn.name), _tuple(state),
                     ast.Tuple(elts=[_const(s) for s in state], ctx=ast.Load()), _const(node.lineno),
                     options)
        return _located([test_fn, body_fn, self._result(node, state, call)], node)

    def visit_For(self, node):
        options = self._options(node)
        extra = getattr(node, "ag_extra_test", None)
        self.generic_visit(node)
        n = next(self.counter)
        target_assign = ast.Assign(targets=[node.target], value=_name("ag__itr"))
        state = self._state([target_assign], node.body)
        body_fn = self._def(f"ag__for_body_{n}", ["ag__itr"] + state, [target_assign] + node.body, state)
        defs = [body_fn]
        extra_ref = _const(None)
        if extra is not None:
            extra_fn = self._def(f"ag__for_test_{n}", state, [ast.Return(value=extra)], None)
            defs.insert(0, extra_fn)
            extra_ref = _name(extra_fn.name)
        call = _call(_ag("for_stmt"), node.iter, extra_ref, _name(body_fn.name), _tuple(state),
                     ast.Tuple(elts=[_const(s) for s in state], ctx=ast.Load()), _const(node.lineno),
                     options)
        return _located(defs + [self._result(node, state, call)], node)


# ---------------------------------------------------------------------------
# passes 4-5: expressions
# ---------------------------------------------------------------------------

def _thunk(expr) -> ast.Lambda:
    args = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                         kwarg=None, defaults=[])
    return ast.Lambda(args=args, body=expr)


class _BoolOps(ast.NodeTransformer):
    """`a and b` -> `ag__.and_(lambda: a, lambda: b)` (lazy, as in Python)."""

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        fn = _ag("and_" if isinstance(node.op, ast.And) else "or_")
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _call(fn, _thunk(value), _thunk(result))
        return ast.copy_location(result, node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ag("not_"), node.operand), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.copy_location(
            _call(_ag("if_exp"), node.test, _thunk(node.body), _thunk(node.orelse),
                  _const(node.lineno)), node)


class _Calls(ast.NodeTransformer):
    """`f(*a, **k)` -> `ag__.converted_call(f, (*a,), {**k})`."""

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name) and f.id in _NOT_CONVERTED_CALLS:
            return node
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "ag__":
            return node
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        keys, values = [], []
        for kw in node.keywords:
            keys.append(None if kw.arg is None else _const(kw.arg))
            values.append(kw.value)
        kwargs = ast.Dict(keys=keys, values=values)
        return ast.copy_location(_call(_ag("converted_call"), f, args, kwargs), node)


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------

def transform(fn: ast.FunctionDef) -> ast.FunctionDef:
    """Converts one function definition in place (decorators removed)."""
    if isinstance(fn, ast.AsyncFunctionDef):
        raise ConversionError("async functions cannot be staged")
    if _contains(fn.body, (ast.Yield, ast.YieldFrom)):
        raise ConversionError("generators cannot be staged")
    fn.decorator_list = []
    counter = itertools.count(1)
    decls = [s for s in _walk(fn.body) if isinstance(s, (ast.Global, ast.Nonlocal))]
    declared = {n for d in decls for n in d.names}
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    params |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}

    _explicit_super(fn)
    _lower_returns(fn)
    fn.body = _flatten_stmts(_LoopJumps(counter).visit(s) for s in fn.body)
    locals_ = [n for n in assigned_names(fn.body) if n not in declared]
    decl_stmts = [ast.Global(names=[n for d in decls if isinstance(d, ast.Global) for n in d.names]),
                  ast.Nonlocal(names=[n for d in decls if isinstance(d, ast.Nonlocal) for n in d.names])]
    decl_stmts = [d for d in decl_stmts if d.names]
    fn.body = [s for s in fn.body if not isinstance(s, (ast.Global, ast.Nonlocal))]
    cf = _ControlFlow(counter, decl_stmts, set(locals_))
    fn.body = _flatten_stmts(cf.visit(s) for s in fn.body)
    fn.body = [_BoolOps().visit(s) for s in fn.body]
    fn.body = [_Calls().visit(s) for s in fn.body]
    for node in _walk(fn.body):
        if isinstance(node, ast.Return) and node.value is not None:
            node.value = ast.copy_location(_call(_ag("retval"), node.value), node.value)
    init = [_assign(n, _call(_ag("Undefined"), _const(n))) for n in locals_ if n not in params]
    fn.body = decl_stmts + _located(init, fn) + fn.body
    ast.fix_missing_locations(fn)
    return fn


def _explicit_super(fn: ast.FunctionDef) -> None:
    """`super()` -> `super(__class__, self)`: the zero-argument form reads the
    first argument of the *current* function, which in converted code may
    be a generated branch function."""
    positional = fn.args.posonlyargs + fn.args.args
    if not positional:
        return
    for node in _walk(fn.body):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
                and not node.args and not node.keywords):
            node.args = [_name("__class__"), _name(positional[0].arg)]


def _flatten_stmts(items) -> list:
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(item)
        elif item is not None:
            out.append(item)
    return out
