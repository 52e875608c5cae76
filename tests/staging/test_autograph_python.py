"""AutoGraph conversion keeps Python semantics when values are Python values
(or eager tensors): each converted function must agree with the original."""
import pytest

import strataflow as sf
from strataflow.staging import autograph
from strataflow.staging.autograph import transformer

convert = autograph.to_graph


def same(fn, *argsets):
    converted = convert(fn)
    assert converted is not fn, "function was not converted"
    for args in argsets:
        assert converted(*args) == fn(*args), args


def test_if_elif_else():
    def f(x):
        if x > 2:
            y = 1
        elif x > 0:
            y = 2
        else:
            y = 3
        return y

    same(f, (3,), (1,), (-1,))


def test_while_and_collatz():
    def collatz(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    same(collatz, (27,), (1,), (6,))
    assert convert(collatz)(27) == 111


def test_for_break_continue():
    def f(n):
        total = 0
        for i in range(n):
            if i % 3 == 0:
                continue
            if i > 10:
                break
            total += i
        return total

    same(f, (0,), (5,), (20,))


def test_while_break_continue_nested():
    def f(n):
        out = []
        i = 0
        while i < n:
            i += 1
            j = 0
            while True:
                j += 1
                if j > i:
                    break
                if j % 2:
                    continue
                out.append((i, j))
            if len(out) > 5:
                break
        return out

    same(f, (3,), (10,))


def test_return_inside_loops_and_ifs():
    def f(xs, target):
        for i, x in enumerate(xs):
            for j in range(x):
                if j == target:
                    return i, j
        if target < 0:
            return "negative"
        return None

    same(f, ([1, 3, 5], 2), ([1, 1], 4), ([1], -1))


def test_return_in_while_true():
    def f(n):
        while True:
            n -= 1
            if n < 3:
                return n

    same(f, (10,), (0,))


def test_no_return_gives_none():
    def f(x):
        if x:
            return 1

    same(f, (True,), (False,))


def test_bool_ops_are_lazy():
    calls = []

    def g(v):
        calls.append(v)
        return v

    def f(a, b):
        return (g(a) and g(b)), (g(a) or g(b)), not g(a), (1 if g(a) else 2)

    same(f, (0, 1), (1, 0), (1, 1))
    calls.clear()
    convert(f)(0, 1)
    assert calls == [0, 0, 1, 0, 0]


def test_closures_globals_defaults_kwargs():
    scale = 3

    def f(x, *args, k=2, **kw):
        def inner(y):
            return y * scale
        return inner(x) + sum(args) + k + len(kw) + _GLOBAL

    same(f, (1,), (1, 2, 3))
    assert convert(f)(1, k=5, z=0) == f(1, k=5, z=0)


_GLOBAL = 100


def test_nonlocal_and_global_assignments():
    def outer():
        count = 0

        def bump(n):
            nonlocal count
            for _ in range(n):
                if True:
                    count += 1
            return count
        return bump

    bump = outer()
    assert convert(bump)(3) == 3 and bump(2) == 5  # the converted code shares the cell


def test_methods_and_super():
    class Base:
        def value(self, x):
            return x + 1

    class Child(Base):
        def value(self, x):
            if x > 0:
                return super().value(x) * 2
            return 0

    c = Child()
    assert convert(c.value)(3) == 8
    assert convert(c.value)(-1) == 0


def test_helpers_are_converted_recursively():
    def helper(x):
        while x > 10:
            x -= 10
        return x

    def f(x):
        return helper(x) + 1

    same(f, (35,), (5,))


def test_library_code_is_not_converted():
    import json

    assert convert(json.dumps) is json.dumps
    assert convert(sf.constant) is sf.constant
    assert convert(lambda x: x) is not None


def test_undefined_variable_message():
    def f(x):
        if x:
            y = 1
        return y

    with pytest.raises(UnboundLocalError, match="'y'"):
        convert(f)(False)


def test_eager_tensor_conditions_run_python():
    def f(x):
        n = 0
        while x > 0:
            x = x - 1.0
            n += 1
        return n

    assert convert(f)(sf.constant(3.0)) == 3


def test_loop_else_is_rejected():
    def f(n):
        for i in range(n):
            if i == 10:
                break
        else:
            return -1
        return n

    with pytest.warns(UserWarning, match="`else` on a loop"):
        g = convert(f)
    assert g is f


def test_transformer_keeps_user_line_numbers():
    def f(x):
        if x > 0:
            raise ValueError("boom")
        return x

    try:
        convert(f)(1)
    except ValueError as e:
        tb = e.__traceback__
        while tb.tb_next:
            tb = tb.tb_next
        assert tb.tb_frame.f_code.co_filename == __file__
        assert tb.tb_lineno == f.__code__.co_firstlineno + 2


def test_assigned_names_order():
    import ast

    tree = ast.parse("a = 1\nfor b in c:\n    d, e = 1, 2\ndef g(): h = 1\n")
    assert transformer.assigned_names(tree.body) == ["a", "b", "d", "e", "g"]


def _decorated(f):
    return f


@_decorated
def _ends_in_a_bracket(x):
    return max(x,
               0
               )


def _ends_in_a_nested_function(x):
    def inner():
        return (x
                + 1)
    return inner


def _only_a_docstring():
    """Nothing else."""


class _Holder:
    @staticmethod
    def method(x):
        y = [v * 2 for v in x]
        return y


@pytest.mark.parametrize("fn", [_ends_in_a_bracket, _ends_in_a_nested_function,
                                _only_a_docstring, _Holder.method])
def test_definitions_are_read_whole(fn):
    # their lines are found from the code's positions, not by tokenizing
    import ast
    import inspect
    import textwrap

    from strataflow.staging.autograph import conversion

    want = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    assert ast.dump(conversion._parse(fn)) == ast.dump(want)
