"""sf.if / sf.while compiled for the CPU and run (hand-derived expectations)."""
import numpy as np
import pytest
from mlir import ir

from strataflow import compiler

COLLATZ = """
// Steps of the Collatz sequence from n down to 1.
func.func @collatz(%n0: tensor<i64>) -> tensor<i64> {
  %zero = sf.constant dense<0> : tensor<i64>
  %one = sf.constant dense<1> : tensor<i64>
  %two = sf.constant dense<2> : tensor<i64>
  %three = sf.constant dense<3> : tensor<i64>
  %r:2 = sf.while (%n0, %zero) : (tensor<i64>, tensor<i64>) -> (tensor<i64>, tensor<i64>) {
  ^bb0(%n: tensor<i64>, %steps: tensor<i64>):
    %go = sf.not_equal %n, %one : tensor<i64>
    sf.condition(%go : tensor<i1>) %n, %steps : tensor<i64>, tensor<i64>
  } do {
  ^bb0(%n: tensor<i64>, %steps: tensor<i64>):
    %parity = sf.mod %n, %two : tensor<i64>
    %even = sf.equal %parity, %zero : tensor<i64>
    %next = sf.if %even : tensor<i1> -> tensor<i64> {
      %h = sf.floordiv %n, %two : tensor<i64>
      sf.yield %h : tensor<i64>
    } else {
      %n3 = sf.mul %n, %three : tensor<i64>
      %n31 = sf.add %n3, %one : tensor<i64>
      sf.yield %n31 : tensor<i64>
    }
    %s = sf.add %steps, %one : tensor<i64>
    sf.yield %next, %s : tensor<i64>, tensor<i64>
  }
  return %r#1 : tensor<i64>
}
"""


def compile_fn(text, name, optimize=True):
    with compiler.new_context():
        return compiler.compile_module(ir.Module.parse(text), name, optimize=optimize)


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


@pytest.mark.parametrize("optimize", [True, False])
def test_collatz_27_takes_111_steps(optimize):
    f = compile_fn(COLLATZ, "collatz", optimize)
    (steps,) = f(np.array(27, np.int64))
    assert steps.shape == () and steps == 111


@pytest.mark.parametrize("n", [1, 2, 3, 6, 7, 97])
def test_collatz_matches_python(n):
    f = compile_fn(COLLATZ, "collatz", optimize=False)
    assert f(np.array(n, np.int64))[0] == collatz_steps(n)


BRANCH = """
func.func @pick(%p: tensor<i1>, %x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %r:2 = sf.if %p : tensor<i1> -> tensor<3xf32>, tensor<3xf32> {
    %s = sf.add %x, %y : tensor<3xf32>
    sf.yield %s, %x : tensor<3xf32>, tensor<3xf32>
  } else {
    %d = sf.add %y, %y : tensor<3xf32>
    sf.yield %d, %y : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<3xf32>, tensor<3xf32>
}
"""


@pytest.mark.parametrize("p", [True, False])
@pytest.mark.parametrize("optimize", [True, False])
def test_if_takes_the_branch_of_the_condition(p, optimize):
    f = compile_fn(BRANCH, "pick", optimize)
    x = np.array([1, 2, 3], np.float32)
    y = np.array([10, 20, 30], np.float32)
    first, second = f(np.array(p), x, y)
    np.testing.assert_array_equal(first, x + y if p else 2 * y)
    np.testing.assert_array_equal(second, x if p else y)
    # Results are fresh buffers even where a branch yields an argument.
    second[:] = 0
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [10, 20, 30])


def test_dynamic_shapes_through_loop():
    # Doubles x n times; x has a dynamic dim.
    text = """
    func.func @double_n(%x: tensor<?xf32>, %n: tensor<i64>) -> tensor<?xf32> {
      %zero = sf.constant dense<0> : tensor<i64>
      %one = sf.constant dense<1> : tensor<i64>
      %r:2 = sf.while (%x, %n) : (tensor<?xf32>, tensor<i64>) -> (tensor<?xf32>, tensor<i64>) {
      ^bb0(%a: tensor<?xf32>, %i: tensor<i64>):
        %go = sf.greater %i, %zero : tensor<i64>
        sf.condition(%go : tensor<i1>) %a, %i : tensor<?xf32>, tensor<i64>
      } do {
      ^bb0(%a: tensor<?xf32>, %i: tensor<i64>):
        %a2 = sf.add %a, %a : tensor<?xf32>
        %j = sf.sub %i, %one : tensor<i64>
        sf.yield %a2, %j : tensor<?xf32>, tensor<i64>
      }
      return %r#0 : tensor<?xf32>
    }
    """
    f = compile_fn(text, "double_n", optimize=False)
    x = np.arange(5, dtype=np.float32)
    np.testing.assert_array_equal(f(x, np.array(3, np.int64))[0], x * 8)
    np.testing.assert_array_equal(f(x, np.array(0, np.int64))[0], x)


def test_constant_condition_is_inlined_before_lowering():
    text = """
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      %t = sf.constant dense<true> : tensor<i1>
      %r = sf.if %t : tensor<i1> -> tensor<2xf32> {
        %d = sf.add %x, %x : tensor<2xf32>
        sf.yield %d : tensor<2xf32>
      } else {
        sf.yield %x : tensor<2xf32>
      }
      return %r : tensor<2xf32>
    }
    """
    with compiler.new_context():
        m = ir.Module.parse(text)
        linalg = str(compiler.lower(m, "linalg"))
        assert "scf.if" not in linalg and "linalg.generic" in linalg
        f = compiler.compile_module(m, "f")
    np.testing.assert_array_equal(f(np.array([1, 2], np.float32))[0], [2, 4])


def test_bad_condition_is_a_clear_error():
    text = """
    func.func @f(%p: tensor<2xi1>, %x: tensor<f32>) -> tensor<f32> {
      %r = sf.if %p : tensor<2xi1> -> tensor<f32> {
        sf.yield %x : tensor<f32>
      } else {
        sf.yield %x : tensor<f32>
      }
      return %r : tensor<f32>
    }
    """
    with compiler.new_context(), pytest.raises(ir.MLIRError, match="0-d i1 tensor"):
        ir.Module.parse(text)
