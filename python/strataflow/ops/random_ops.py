"""`sf.random`: seeded random tensors, eager (NumPy's PCG64).

`set_seed(s)` makes the sequence of random ops that follows reproducible;
an op's own `seed` gives the same values on every call with that seed
(after a given global seed). `Generator.from_seed(s)` is an independent,
reproducible stream. The ops are stateful OpDefs without an `sf` form.
"""
from __future__ import annotations

import numpy as np

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape, TensorSpec
from strataflow.ops import shape_rules as rules
from strataflow.ops.registry import apply, op_def

_global = {"seed": None, "rng": np.random.default_rng()}


def set_seed(seed: int) -> None:
    """Resets the global random state: what follows is reproducible."""
    _global["seed"] = int(seed)
    _global["rng"] = np.random.default_rng(int(seed))


def _rng(seed, generator):
    if generator is not None:
        return generator._rng
    if seed is not None:  # an op seed: a fixed stream per (global seed, op seed)
        return np.random.default_rng([int(seed), _global["seed"] or 0])
    return _global["rng"]


def _shape_tuple(shape):
    dims = TensorShape(np.asarray(shape.numpy() if hasattr(shape, "numpy") else shape).tolist()
                       if not isinstance(shape, (list, tuple, TensorShape)) else shape)
    if not dims.is_fully_defined():
        raise InvalidArgumentError(f"random shapes must be fully defined, got {dims}")
    return tuple(dims.dims)


def _sample_infer(*, shape, dtype, **attrs):
    return TensorSpec(TensorShape._of(shape), dtype)


def _normal(*, shape, dtype, mean, stddev, seed, generator):
    return (_rng(seed, generator).standard_normal(shape) * stddev + mean).astype(dtype._np)


def _truncated(*, shape, dtype, mean, stddev, seed, generator):
    rng = _rng(seed, generator)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():  # resample outside two standard deviations, as TF
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return (z * stddev + mean).astype(dtype._np)


def _uniform(*, shape, dtype, minval, maxval, seed, generator):
    rng = _rng(seed, generator)
    if dtype.is_integer:
        return rng.integers(minval, maxval, size=shape, dtype=dtype._np)
    return (rng.random(shape) * (maxval - minval) + minval).astype(dtype._np)


_NORMAL = op_def("random_normal", _normal, _sample_infer, stateful=True)
_TRUNCATED = op_def("truncated_normal", _truncated, _sample_infer, stateful=True)
_UNIFORM = op_def("random_uniform", _uniform, _sample_infer, stateful=True)


def _float_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    rules.require(dtype, "f", "dtype")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None, generator=None):
    """Samples from N(mean, stddev^2)."""
    return apply(_NORMAL, [], shape=_shape_tuple(shape), dtype=_float_dtype(dtype), mean=float(mean),
                 stddev=float(stddev), seed=seed, generator=generator)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None,
                     generator=None):
    """Normal samples, redrawn where more than 2 stddev from the mean."""
    return apply(_TRUNCATED, [], shape=_shape_tuple(shape), dtype=_float_dtype(dtype), mean=float(mean),
                 stddev=float(stddev), seed=seed, generator=generator)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None, generator=None):
    """Uniform samples in [minval, maxval) (integers need maxval)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise InvalidArgumentError("uniform with an integer dtype needs maxval")
        minval, maxval = int(minval), int(maxval)
        if minval >= maxval:
            raise InvalidArgumentError(f"uniform needs minval < maxval, got [{minval}, {maxval})")
    else:
        rules.require(dtype, "f", "dtype")
        minval, maxval = float(minval), 1.0 if maxval is None else float(maxval)
    return apply(_UNIFORM, [], shape=_shape_tuple(shape), dtype=dtype, minval=minval, maxval=maxval,
                 seed=seed, generator=generator)


def _shuffle_kernel(x, *, seed, generator):
    return x[_rng(seed, generator).permutation(x.shape[0])] if x.ndim else x


_SHUFFLE = op_def("random_shuffle", _shuffle_kernel, lambda x, **a: x, stateful=True)


def shuffle(value, seed=None, name=None, generator=None):
    """`value` with its first axis randomly permuted."""
    return apply(_SHUFFLE, [value], seed=seed, generator=generator)


def _categorical_kernel(logits, *, num_samples, dtype, seed, generator):
    rng = _rng(seed, generator)
    gumbel = -np.log(-np.log(rng.random((logits.shape[0], num_samples, logits.shape[1]))))
    return np.argmax(logits[:, None, :].astype(np.float64) + gumbel, axis=-1).astype(dtype._np)


def _categorical_infer(logits, *, num_samples, dtype, **a):
    rules.require(logits.dtype, "f", "logits")
    if logits.shape.rank != 2:
        raise InvalidArgumentError(f"logits must be [batch, classes], got {rules.dims_text(logits.shape)}")
    return TensorSpec([logits.shape[0], num_samples], dtype)


_CATEGORICAL = op_def("random_categorical", _categorical_kernel, _categorical_infer, stateful=True)


def categorical(logits, num_samples, dtype=dtypes.int64, seed=None, name=None, generator=None):
    """Class indices drawn from softmax(logits), [batch, num_samples]."""
    return apply(_CATEGORICAL, [convert_to_tensor(logits)], num_samples=int(num_samples),
                 dtype=dtypes.as_dtype(dtype), seed=seed, generator=generator)


class Generator:
    """An independent random stream (cf. `tf.random.Generator`).

        >>> g = sf.random.Generator.from_seed(42)
        >>> g.normal([2]).shape
        TensorShape([2])
    """

    def __init__(self, seed: int):
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)

    @classmethod
    def from_seed(cls, seed: int) -> "Generator":
        return cls(seed)

    def reset_from_seed(self, seed: int) -> None:
        self.__init__(seed)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return normal(shape, mean, stddev, dtype, generator=self)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return truncated_normal(shape, mean, stddev, dtype, generator=self)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        return uniform(shape, minval, maxval, dtype, generator=self)
