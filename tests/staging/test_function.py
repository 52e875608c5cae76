"""sf.function: tracing, the trace cache, signatures, methods, outputs, captures
(after TensorFlow's own tf.function tests)."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import strataflow as sf
from strataflow.staging import RetracingWarning


def c(v, dtype=np.float32):
    return sf.constant(np.asarray(v, dtype))


def test_staging_without_bfloat16_does_not_import_ml_dtypes():
    # its import takes over a second: only bfloat16 code should pay it
    code = ("import sys, strataflow as sf; f = sf.function(lambda x: x * 2); "
            "assert f(sf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]; "
            "print('ml_dtypes' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# trace counts
# ---------------------------------------------------------------------------

def test_repeated_calls_reuse_the_trace():
    @sf.function
    def f(x, y):
        return x + y

    assert f(c(1.0), c(2.0)).numpy() == 3.0
    assert f(c(5.0), c(2.5)).numpy() == 7.5
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(f(c([1, 2]), c([3, 4])).numpy(), [4, 6])  # new shape
    assert f.experimental_get_tracing_count() == 2
    assert f(c(1, np.int32), c(2, np.int32)).numpy() == 3  # new dtype
    assert f.experimental_get_tracing_count() == 3
    f(c([7, 8]), c([1, 1]))
    f(np.float32(1.0), np.float32(2.0))  # NumPy values act like tensors
    assert f.experimental_get_tracing_count() == 3


def test_python_values_are_part_of_the_key():
    traced = []

    @sf.function
    def f(x, n, flag=False):
        traced.append(n)  # Python side effects happen at trace time only
        for _ in range(n):
            x = x + x
        return x + 1.0 if flag else x

    assert f(c(1.0), 2).numpy() == 4.0
    assert f(c(3.0), 2).numpy() == 12.0
    assert f(c(1.0), 3).numpy() == 8.0
    assert f(c(1.0), 3, flag=True).numpy() == 9.0
    assert f(c(1.0), 3, True).numpy() == 9.0
    assert traced == [2, 3, 3, 3]  # keyword and positional flag: separate keys, one trace each
    assert f.experimental_get_tracing_count() == 4

    @sf.function
    def g(x, k):
        return x + x

    g(c(1.0), 2)
    g(c(1.0), 2.0)  # a float is not the int 2
    g(c(1.0), True)  # nor is True the int 1
    g(c(1.0), 1)
    assert g.experimental_get_tracing_count() == 4


def test_nested_structures_in_and_out():
    @sf.function
    def f(d):
        return {"sum": d["a"] + d["b"][0], "pair": (d["b"][1], None), "k": 7}

    out = f({"a": c(1.0), "b": [c(2.0), c(3.0)]})
    assert out["sum"].numpy() == 3.0
    assert out["pair"][0].numpy() == 3.0 and out["pair"][1] is None and out["k"] == 7
    f({"b": [c(5.0), c(6.0)], "a": c(0.0)})  # key order does not matter
    assert f.experimental_get_tracing_count() == 1
    f({"a": c(1.0), "b": [c(2.0), c(3.0), 1]})  # another structure
    assert f.experimental_get_tracing_count() == 2


def test_returns_python_values_and_none():
    @sf.function
    def f(x):
        return None

    @sf.function
    def g(x):
        return 1, "s", [x]

    assert f(c(1.0)) is None
    one, s, (t,) = g(c(2.0))
    assert one == 1 and s == "s" and t.numpy() == 2.0


# ---------------------------------------------------------------------------
# signatures and shape relaxation
# ---------------------------------------------------------------------------

def test_input_signature_single_trace():
    @sf.function(input_signature=[sf.TensorSpec([None], sf.float32)])
    def f(x):
        return x + x

    np.testing.assert_array_equal(f(c([1, 2])).numpy(), [2, 4])
    np.testing.assert_array_equal(f(c([1, 2, 3])).numpy(), [2, 4, 6])
    np.testing.assert_array_equal(f([1.0]).numpy(), [2.0])  # Python values convert
    assert f.experimental_get_tracing_count() == 1
    assert "tensor<?xf32>" in f.get_concrete_function().ir()
    with pytest.raises(TypeError, match="argument 0"):
        f(c([1, 2], np.int32))
    with pytest.raises(ValueError, match="not compatible"):
        f(c([[1.0]]))
    with pytest.raises(TypeError, match="takes 1 arguments"):
        f(c([1.0]), c([1.0]))


def test_reduce_retracing_generalizes_shapes():
    @sf.function(reduce_retracing=True)
    def f(x):
        return x + x

    f(c([1.0, 2.0]))
    f(c([1.0, 2.0, 3.0]))
    f(c([1.0] * 7))
    assert f.experimental_get_tracing_count() == 2
    assert "tensor<?xf32>" in f.get_concrete_function(c([1.0] * 5)).ir()


def test_more_general_concrete_function_is_reused():
    @sf.function
    def f(x):
        return x + x

    f.get_concrete_function(sf.TensorSpec([None, 2], sf.float32))
    np.testing.assert_array_equal(f(c([[1, 2], [3, 4]])).numpy(), [[2, 4], [6, 8]])
    assert f.experimental_get_tracing_count() == 1


def test_retracing_warning_names_the_argument():
    @sf.function
    def f(x, n):
        return x + x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(7):
            f(c(1.0), n)
    texts = [str(w.message) for w in caught if issubclass(w.category, RetracingWarning)]
    assert len(texts) == 2  # traces 6 and 7
    assert "traced 6 times" in texts[0]
    assert "argument 'n' changed from Python int 4 to Python int 5" in texts[0]
    assert f.experimental_get_tracing_count() == 7


# ---------------------------------------------------------------------------
# methods, modules, nesting
# ---------------------------------------------------------------------------

def test_method_caches_are_per_instance():
    class Adder:
        def __init__(self, k):
            self.k = k

        @sf.function
        def add(self, x):
            return x + self.k

    a, b = Adder(1.0), Adder(10.0)
    assert a.add(c(1.0)).numpy() == 2.0
    assert b.add(c(1.0)).numpy() == 11.0
    assert a.add(c(5.0)).numpy() == 6.0
    assert a.add is a.add
    assert a.add.experimental_get_tracing_count() == 1
    assert b.add.experimental_get_tracing_count() == 1


def test_module_call():
    class Affine(sf.Module):
        def __init__(self):
            super().__init__()
            self.b = sf.Variable(1.0)

        @sf.function
        def __call__(self, x):
            return x + self.b

    m = Affine()
    assert m(c(2.0)).numpy() == 3.0
    m.b.assign(5.0)
    assert m(c(2.0)).numpy() == 7.0
    assert type(m).__call__.__get__(m).experimental_get_tracing_count() == 1
    wrapped = sf.function(m)  # staging a callable object stages its __call__
    assert wrapped(c(1.0)).numpy() == 6.0


def test_nested_functions_inline():
    @sf.function
    def inner(x):
        return x + x

    @sf.function
    def outer(x):
        return inner(x) + 1.0

    assert outer(c(2.0)).numpy() == 5.0
    assert inner.experimental_get_tracing_count() == 0  # inlined, not traced separately
    ir = outer.get_concrete_function(c(2.0)).ir()
    assert ir.count("func.func") == 1


# ---------------------------------------------------------------------------
# concrete functions and IR
# ---------------------------------------------------------------------------

def test_concrete_function_interface():
    @sf.function
    def f(x, y):
        return {"z": x + y}

    cf = f.get_concrete_function(sf.TensorSpec([2], sf.float32), sf.TensorSpec([2], sf.float32))
    assert [t.shape.as_list() for t in cf.inputs] == [[2], [2]]
    assert len(cf.outputs) == 1 and cf.outputs[0].dtype == sf.float32
    assert set(cf.structured_outputs) == {"z"}
    np.testing.assert_array_equal(cf(c([1, 2]), c([3, 4]))["z"].numpy(), [4, 6])
    with pytest.raises(TypeError, match="expected tensors"):
        cf(c([1, 2, 3]), c([1, 2, 3]))
    assert str(cf.graph).startswith("module")


def test_ir_carries_user_source_locations():
    @sf.function
    def f(x):
        y = x + x
        return y

    text = f.get_concrete_function(c(1.0)).ir(debug_info=True)
    line = f.python_function.__code__.co_firstlineno + 2
    assert f'"{__file__}":{line}' in text


def test_compiler_ir_stages():
    @sf.function
    def f(x):
        return x + x

    get = f.experimental_get_compiler_ir(c([1.0, 2.0]))
    assert "sf.add" in get(stage="sf")
    assert "linalg.generic" in get(stage="linalg")
    assert "llvm.func" in get(stage="llvm")


# ---------------------------------------------------------------------------
# captured state
# ---------------------------------------------------------------------------

def test_small_eager_tensors_become_constants_and_large_ones_arguments():
    small = c([1.0, 2.0])
    large = c(np.arange(2048, dtype=np.float32))

    @sf.function
    def f(x, y):
        return x + small, y + large

    cf = f.get_concrete_function(c([0.0, 0.0]), c(np.zeros(2048, np.float32)))
    ir = cf.ir()
    assert "dense<[1.000000e+00, 2.000000e+00]>" in ir
    assert ir.count("tensor<2048xf32>") >= 3 and "dense<[0.0" not in ir
    a, b = f(c([1.0, 1.0]), c(np.ones(2048, np.float32)))
    np.testing.assert_array_equal(a.numpy(), [2, 3])
    np.testing.assert_array_equal(b.numpy(), np.arange(2048) + 1)


def test_captured_variables_are_read_and_updated():
    v = sf.Variable(1.0)

    @sf.function
    def f(x):
        v.assign_add(x)
        return v + x

    before = v.read_value()
    assert f(c(2.0)).numpy() == 5.0
    assert v.numpy() == 3.0
    assert before.numpy() == 1.0  # an earlier read keeps its value
    assert f(c(1.0)).numpy() == 5.0
    assert v.numpy() == 4.0
    assert "!sf.variable<tensor<f32>>" in f.get_concrete_function(c(1.0)).ir()
    assert f.experimental_get_tracing_count() == 1


def test_variables_as_arguments():
    @sf.function
    def bump(var, x):
        var.assign_add(x)

    a, b = sf.Variable([1.0, 2.0]), sf.Variable([0.0, 0.0])
    bump(a, c([1.0, 1.0]))
    bump(b, c([5.0, 5.0]))
    np.testing.assert_array_equal(a.numpy(), [2, 3])
    np.testing.assert_array_equal(b.numpy(), [5, 5])
    assert bump.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("n", [3, 5000])  # persistent small buffers / arrays by pointer
def test_variables_become_values_and_new_values_are_returned(n):
    from strataflow import compiler

    w = sf.Variable(np.arange(n, dtype=np.float32))
    u = sf.Variable(np.zeros(n, np.float32))

    @sf.function
    def step(g):
        old = w.read_value()
        w.assign_sub(g)
        mid = w.read_value()
        w.assign_add(mid * 2.0)  # w = 3 (w0 - g)
        u.assign(mid)             # returned twice: as u's value and as an output
        return old, mid, w.read_value()

    w0 = w.numpy().copy()
    before = w.read_value()
    g = np.full(n, 0.5, np.float32)
    old, mid, new = step(c(g))
    np.testing.assert_array_equal(old.numpy(), w0)
    np.testing.assert_array_equal(mid.numpy(), w0 - g)
    np.testing.assert_array_equal(new.numpy(), 3 * (w0 - g))
    np.testing.assert_array_equal(w.numpy(), 3 * (w0 - g))
    np.testing.assert_array_equal(u.numpy(), w0 - g)
    np.testing.assert_array_equal(before.numpy(), w0)  # earlier reads keep their values
    step(c(g))
    np.testing.assert_array_equal(w.numpy(), 3 * (3 * (w0 - g) - g))
    np.testing.assert_array_equal(mid.numpy(), w0 - g)  # results are not overwritten
    cf = step.get_concrete_function(c(g))
    with cf.graph.ctx:
        module, returned = compiler.promote_variables(cf.graph.module, cf.name)
    assert returned == [1, 2] and "!sf.variable" not in str(module)


def test_variables_assigned_in_a_staged_branch_are_updated_in_place():
    from strataflow import compiler

    v = sf.Variable(np.ones(4, np.float32))

    @sf.function
    def f(x):
        if sf.reduce_sum(x) > 0:
            v.assign_add(x)
        return v.read_value()

    np.testing.assert_array_equal(f(c(np.ones(4, np.float32))).numpy(), [2, 2, 2, 2])
    np.testing.assert_array_equal(f(c(-np.ones(4, np.float32))).numpy(), [2, 2, 2, 2])
    np.testing.assert_array_equal(v.numpy(), [2, 2, 2, 2])
    cf = f.get_concrete_function(c(np.ones(4, np.float32)))
    with cf.graph.ctx:
        assert compiler.promote_variables(cf.graph.module, cf.name)[1] is None


def test_rebinding_a_captured_variable_retraces():
    global _V
    _V = sf.Variable(1.0)

    @sf.function
    def f(x):
        return x + _V

    assert f(c(1.0)).numpy() == 2.0
    _V = sf.Variable(10.0)
    assert f(c(1.0)).numpy() == 11.0
    assert f.experimental_get_tracing_count() == 2


def test_variable_creation_only_on_first_trace():
    class Counter(sf.Module):
        def __init__(self):
            super().__init__()
            self.v = None

        @sf.function
        def __call__(self, x):
            if self.v is None:
                self.v = sf.Variable(0.0)
            self.v.assign_add(x)
            return self.v.read_value()

    m = Counter()
    assert m(c(1.0)).numpy() == 1.0
    assert m(c(2.0)).numpy() == 3.0

    @sf.function
    def make(x):
        w = sf.Variable(1.0)
        return w + x

    make(c(1.0))
    with pytest.raises(ValueError, match="first call"):
        make(c([1.0, 2.0]))


def test_seed_example_matches_eager():
    def run(staged):
        a, b = sf.Variable(2.0), sf.Variable(3.0)

        def f(x, y):
            a.assign(y * b)
            b.assign_add(x * a)
            return a + b

        g = sf.function(f) if staged else f
        out = g(c(1.0), c(2.0))
        return out.numpy(), a.numpy(), b.numpy()

    eager, staged = run(False), run(True)
    assert eager == staged == (15.0, 6.0, 9.0)


def test_seed_example_from_the_tf2_primer():
    # The primer's own numbers: a = b = 1 -> returns 5.0, leaves a = 2, b = 3.
    a, b = sf.Variable(1.0), sf.Variable(1.0)

    @sf.function
    def f(x, y):
        a.assign(y * b)
        b.assign_add(x * a)
        return a + b

    assert f(c(1.0), c(2.0)).numpy() == 5.0
    assert (a.numpy(), b.numpy()) == (2.0, 3.0)


def test_autograph_off_keeps_python_semantics():
    @sf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="cannot be used as a Python bool"):
        f(c(1.0))


def test_leaked_symbolic_tensor_is_an_error():
    leaked = []

    @sf.function
    def f(x):
        leaked.append(x + x)
        return x

    @sf.function
    def g(x):
        return x + leaked[0]

    f(c(1.0))
    with pytest.raises(sf.errors.InvalidArgumentError, match="cannot leak"):
        g(c(1.0))


def test_large_and_dynamic_arguments_take_the_general_path():
    big = np.arange(10000, dtype=np.float32)  # 40 KB: passed by pointer, result adopted
    v = sf.Variable(np.zeros(10000, np.float32))

    @sf.function
    def f(x):
        v.assign_add(x)
        return x + x

    before = v.read_value()
    np.testing.assert_array_equal(f(c(big)).numpy(), big * 2)
    np.testing.assert_array_equal(f(c(big)).numpy(), big * 2)
    np.testing.assert_array_equal(v.numpy(), big * 2)
    assert not before.numpy().any()  # the earlier read is untouched

    @sf.function(input_signature=[sf.TensorSpec([None, 2], sf.float32)])
    def g(x):
        return x + x

    for n in (1, 3, 5000):
        a = np.ones((n, 2), np.float32)
        np.testing.assert_array_equal(g(a).numpy(), a * 2)


def test_small_calls_copy_arguments_and_results():
    # The C++ path (_sfnative.call_small) copies argument bytes into the
    # buffers the code reads; a transposed view is not C-contiguous and takes
    # the NumPy path, which must give the same answer.
    @sf.function
    def f(x, y):
        return x * 2.0 + y

    base = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.full((3, 2), 10, np.float32)
    expected = base.T * 2 + y
    contiguous = f(c(np.ascontiguousarray(base.T)), c(y)).numpy()
    transposed = f(c(base.T), c(y)).numpy()
    np.testing.assert_array_equal(contiguous, expected)
    np.testing.assert_array_equal(transposed, expected)
    assert f.experimental_get_tracing_count() == 1
    first = f(c(base.T.copy()), c(y))
    second = f(c(np.zeros((3, 2), np.float32)), c(y))
    np.testing.assert_array_equal(first.numpy(), expected)  # results are not reused buffers
    np.testing.assert_array_equal(second.numpy(), y)


def test_call_small_refuses_arguments_it_cannot_copy():
    from strataflow._sfnative import call_small

    # Nothing is run (function address 0 would crash) when an argument does
    # not fit its slot: wrong size, or not C-contiguous.
    slot = np.zeros(4, np.float32)
    slots = ((slot.ctypes.data, slot.nbytes),)
    assert not call_small(0, 0, slots, [np.zeros(3, np.float32)], 0, 4, 0, 0)
    assert not call_small(0, 0, slots, [np.zeros(8, np.float32)[::2]], 0, 4, 0, 0)
    assert not call_small(0, 0, slots, [], 0, 4, 0, 0)
    assert not slot.any()


@pytest.mark.parametrize("n", [3, 10_000, 0])  # staged copy-out, adopted buffer, empty
def test_results_backed_by_one_buffer_are_each_returned_once(n):
    # CSE merges the two equal results into one buffer: it must be freed once
    f = sf.function(lambda x: (x * 2, x * 2, x * 3))
    for _ in range(3):
        a, b, c = f(sf.constant(np.ones(n, np.float32)))
    np.testing.assert_array_equal(a.numpy(), np.full(n, 2, np.float32))
    np.testing.assert_array_equal(b.numpy(), a.numpy())
    np.testing.assert_array_equal(c.numpy(), np.full(n, 3, np.float32))


def test_ops_over_empty_dims_compile():
    # a zero-size iteration space computes nothing: results are the inits
    f = sf.function(lambda x: (sf.reduce_sum(x, 1), sf.reduce_max(x, 1), -x, sf.math.top_k(x, 0)[1]))
    total, biggest, neg, idx = f(np.zeros((6, 0), np.float32))
    np.testing.assert_array_equal(total.numpy(), np.zeros(6, np.float32))
    np.testing.assert_array_equal(biggest.numpy(), np.full(6, -np.inf, np.float32))
    assert neg.shape == (6, 0) and idx.shape == (6, 0)
    g = sf.function(lambda a, b: (sf.concat([b, a, b], 1), b[:, 1:], sf.pad(b, [[0, 0], [1, 1]])))
    joined, sliced, padded = g(np.ones((2, 3), np.float32), np.ones((2, 0), np.float32))
    np.testing.assert_array_equal(joined.numpy(), np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(padded.numpy(), np.zeros((2, 2), np.float32))
    assert sliced.shape == (2, 0)


def test_eager_only_ops_say_why_when_staged():
    with pytest.raises(sf.errors.UnimplementedError,
                       match="cannot be staged: its output shape depends on the input's values; "
                             "call it outside sf.function"):
        sf.function(lambda x: sf.unique(sf.reshape(x, [-1]))[0])(sf.eye(2))


@pytest.mark.parametrize("i, j", [(1, 4), (2, 100), (0, 6), (3, 3), (5, -1), (-2, 5)])
def test_slices_with_run_time_bounds_follow_python_rules(i, j):
    def windows(x, i, j):
        return x[i:j], x[i:], x[:j], x[-i:], x[1:j, i:], x[i:j:2], x[:, i:j], x[j:i]

    x = sf.constant(np.arange(24, dtype=np.float32).reshape(6, 4))
    i, j = sf.constant(i), sf.constant(j)
    for want, got in zip(windows(x, i, j), sf.function(windows)(x, i, j)):
        assert got.shape == want.shape
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_run_time_slice_bounds_need_a_positive_static_step():
    f = sf.function(lambda x, i: x[i::-1])
    with pytest.raises(sf.errors.InvalidArgumentError, match="positive step"):
        f(sf.constant([1.0, 2.0]), sf.constant(1))
