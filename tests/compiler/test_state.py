"""Variables (read/assign), read-only tensor arguments and sf.print, run on the CPU."""
import ml_dtypes
import numpy as np
import pytest
from mlir import ir

from strataflow import compiler
from strataflow.compiler.runtime import format_print
from strataflow.framework.errors import InvalidArgumentError

V2 = "!sf.variable<tensor<2xf32>>"
VS = "!sf.variable<tensor<f32>>"

def compile_fn(text, name, optimize=True):
    with compiler.new_context():
        return compiler.compile_module(ir.Module.parse(text), name, optimize=optimize)


def scalar(v):
    return np.array(v, np.float32)


@pytest.mark.parametrize("optimize", [True, False])
def test_tf_seed_example(optimize):
    # a = Variable(2.); b = Variable(3.)
    # def f(x, y): a.assign(y * b); b.assign_add(x * a); return a + b
    text = f"""
    func.func @f(%a: {VS}, %b: {VS}, %x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {{
      %b0 = sf.read %b : {VS}
      %yb = sf.mul %y, %b0 : tensor<f32>
      sf.assign %a, %yb : {VS}
      %a1 = sf.read %a : {VS}
      %xa = sf.mul %x, %a1 : tensor<f32>
      sf.assign_add %b, %xa : {VS}
      %a2 = sf.read %a : {VS}
      %b2 = sf.read %b : {VS}
      %s = sf.add %a2, %b2 : tensor<f32>
      return %s : tensor<f32>
    }}
    """
    f = compile_fn(text, "f", optimize)
    a, b = scalar(2), scalar(3)
    (result,) = f(a, b, scalar(1), scalar(2))
    # a = 2 * 3 = 6; b = 3 + 1 * 6 = 9; a + b = 15.
    assert result == 15 and a == 6 and b == 9
    # The variables keep their state across calls: a = 2 * 9, b = 9 + 18.
    (result,) = f(a, b, scalar(1), scalar(2))
    assert result == 45 and a == 18 and b == 27


@pytest.mark.parametrize("optimize", [True, False])
def test_read_is_a_snapshot(optimize):
    text = f"""
    func.func @f(%v: {V2}, %x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {{
      %old = sf.read %v : {V2}
      sf.assign %v, %x : {V2}
      %new = sf.read %v : {V2}
      %twice_old = sf.add %old, %old : tensor<2xf32>
      return %twice_old, %new : tensor<2xf32>, tensor<2xf32>
    }}
    """
    f = compile_fn(text, "f", optimize)
    v = np.array([1, 2], np.float32)
    twice_old, new = f(v, np.array([10, 20], np.float32))
    np.testing.assert_array_equal(twice_old, [2, 4])
    np.testing.assert_array_equal(new, [10, 20])
    np.testing.assert_array_equal(v, [10, 20])
    # Returned reads are the caller's own buffers, not views of the variable.
    new[:] = -1
    np.testing.assert_array_equal(v, [10, 20])


def test_assign_add_and_sub():
    text = f"""
    func.func @f(%v: !sf.variable<tensor<3xi32>>, %x: tensor<3xi32>) {{
      sf.assign_add %v, %x : !sf.variable<tensor<3xi32>>
      sf.assign_add %v, %x : !sf.variable<tensor<3xi32>>
      sf.assign_sub %v, %x : !sf.variable<tensor<3xi32>>
      return
    }}
    """
    f = compile_fn(text, "f")
    v = np.array([1, 2, 3], np.int32)
    assert f(v, np.array([10, 20, 30], np.int32)) == ()
    np.testing.assert_array_equal(v, [11, 22, 33])


def test_dynamic_variable_in_a_loop():
    # v += x, n times (the loop counter is a tensor carried by sf.while).
    text = f"""
    func.func @f(%v: !sf.variable<tensor<?xf64>>, %x: tensor<?xf64>, %n: tensor<i32>) {{
      %r = sf.while (%n) : (tensor<i32>) -> tensor<i32> {{
      ^bb0(%i: tensor<i32>):
        %zero = sf.constant dense<0> : tensor<i32>
        %go = sf.greater %i, %zero : tensor<i32>
        sf.condition(%go : tensor<i1>) %i : tensor<i32>
      }} do {{
      ^bb0(%i: tensor<i32>):
        sf.assign_add %v, %x : !sf.variable<tensor<?xf64>>
        %one = sf.constant dense<1> : tensor<i32>
        %j = sf.sub %i, %one : tensor<i32>
        sf.yield %j : tensor<i32>
      }}
      return
    }}
    """
    f = compile_fn(text, "f")
    v = np.zeros(4, np.float64)
    f(v, np.arange(4, dtype=np.float64), np.array(5, np.int32))
    np.testing.assert_array_equal(v, 5 * np.arange(4))


def test_assign_in_a_branch():
    text = f"""
    func.func @f(%p: tensor<i1>, %v: {VS}, %x: tensor<f32>) {{
      sf.if %p : tensor<i1> {{
        sf.assign %v, %x : {VS}
      }}
      return
    }}
    """
    f = compile_fn(text, "f")
    v = scalar(1)
    f(np.array(False), v, scalar(5))
    assert v == 1
    f(np.array(True), v, scalar(5))
    assert v == 5


@pytest.mark.parametrize(
    "array, match",
    [
        (np.zeros(2, np.float64), "dtype float64, expected float32"),
        (np.zeros(4, np.float32)[::2], "C-contiguous"),
        ([1.0, 2.0], "pass a NumPy array"),
        (np.zeros(3, np.float32), "shape"),
    ],
)
def test_variable_argument_errors(array, match):
    text = f"""
    func.func @f(%v: {V2}) -> tensor<2xf32> {{
      %r = sf.read %v : {V2}
      return %r : tensor<2xf32>
    }}
    """
    f = compile_fn(text, "f")
    with pytest.raises(InvalidArgumentError, match=match):
        f(array)


def test_readonly_variable_array_is_rejected():
    text = f"""
    func.func @f(%v: {V2}) {{
      return
    }}
    """
    f = compile_fn(text, "f")
    v = np.zeros(2, np.float32)
    v.flags.writeable = False
    with pytest.raises(InvalidArgumentError, match="writeable"):
        f(v)


def test_tensor_arguments_are_never_written():
    # Both would naturally bufferize in place into the argument's buffer.
    text = """
    func.func @fill(%a: tensor<4xf32>) -> tensor<4xf32> {
      %c = arith.constant 7.0 : f32
      %r = linalg.fill ins(%c : f32) outs(%a : tensor<4xf32>) -> tensor<4xf32>
      return %r : tensor<4xf32>
    }
    func.func @poke(%a: tensor<4xf32>) -> tensor<4xf32> {
      %i = arith.constant 1 : index
      %c = arith.constant -1.0 : f32
      %r = tensor.insert %c into %a[%i] : tensor<4xf32>
      return %r : tensor<4xf32>
    }
    """
    a = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(compile_fn(text, "fill")(a)[0], [7] * 4)
    np.testing.assert_array_equal(compile_fn(text, "poke")(a)[0], [0, -1, 2, 3])
    np.testing.assert_array_equal(a, [0, 1, 2, 3])


def test_print(capfd):
    text = f"""
    func.func @f(%v: {V2}, %x: tensor<3xi32>, %m: tensor<2x2xui8>) {{
      sf.print %x {{message = "x ="}} : tensor<3xi32>
      %r = sf.read %v : {V2}
      sf.print %r {{message = "v:"}} : tensor<2xf32>
      sf.print %m : tensor<2x2xui8>
      return
    }}
    """
    f = compile_fn(text, "f")
    f(np.array([1.5, -2], np.float32), np.array([1, 2, 3], np.int32),
      np.array([[0, 255], [7, 8]], np.uint8))
    out, err = capfd.readouterr()
    assert err.splitlines() == ["x = [1 2 3]", "v: [ 1.5 -2. ]", "[[  0 255]", " [  7   8]]"]


def test_print_in_a_loop_runs_every_iteration(capfd):
    text = """
    func.func @f(%n: tensor<i64>) {
      %r = sf.while (%n) : (tensor<i64>) -> tensor<i64> {
      ^bb0(%i: tensor<i64>):
        %zero = sf.constant dense<0> : tensor<i64>
        %go = sf.greater %i, %zero : tensor<i64>
        sf.condition(%go : tensor<i1>) %i : tensor<i64>
      } do {
      ^bb0(%i: tensor<i64>):
        sf.print %i {message = "i ="} : tensor<i64>
        %one = sf.constant dense<1> : tensor<i64>
        %j = sf.sub %i, %one : tensor<i64>
        sf.yield %j : tensor<i64>
      }
      return
    }
    """
    compile_fn(text, "f", optimize=False)(np.array(3, np.int64))
    assert capfd.readouterr().err.splitlines() == ["i = 3", "i = 2", "i = 1"]


@pytest.mark.parametrize("optimize", [True, False])
@pytest.mark.parametrize(
    "element, dtype",
    [("i1", np.bool_), ("f16", np.float16), ("bf16", ml_dtypes.bfloat16),
     ("i8", np.int8), ("i64", np.int64), ("f64", np.float64)],
)
def test_print_element_types(capfd, element, dtype, optimize):
    text = f"""
    func.func @f(%x: tensor<2x2x{element}>) {{
      sf.print %x {{message = "x:"}} : tensor<2x2x{element}>
      return
    }}
    """
    x = np.array([[1, 0], [0, 1]]).astype(dtype)
    compile_fn(text, "f", optimize)(x)
    assert capfd.readouterr().err == format_print("x:", x) + "\n"


@pytest.mark.parametrize("compute_first", [True, False])
def test_assign_after_read_regardless_of_where_the_value_is_computed(compute_first):
    # The new value computed before or after the read: the read sees the old one.
    new = "%new = sf.add %x, %x : tensor<2xi32>"
    text = f"""
    func.func @f(%v: !sf.variable<tensor<2xi32>>, %x: tensor<2xi32>) -> tensor<2xi32> {{
      {new if compute_first else ""}
      %old = sf.read %v : !sf.variable<tensor<2xi32>>
      {"" if compute_first else new}
      sf.assign %v, %new : !sf.variable<tensor<2xi32>>
      return %old : tensor<2xi32>
    }}
    """
    v = np.array([1, 2], np.int32)
    (old,) = compile_fn(text, "f")(v, np.array([5, 6], np.int32))
    np.testing.assert_array_equal(old, [1, 2])
    np.testing.assert_array_equal(v, [10, 12])
