"""`sf.random`: counter-based random numbers, the same eagerly and staged.

Every random op draws from a *stream*: an int64 `Variable` holding
``[key0, key1, counter]``. A draw reads the stream, advances its counter by
one and runs Philox4x32-10 (Salmon et al., SC'11; TF's and JAX's generator
too) on (block index, counter) under the key. Philox is written with
ordinary integer ops (`*`, `>>`, `&`, `^`), so one code path runs eagerly
and staged: a staged function captures the stream like any variable, its
read and update keep program order, and it yields exactly the numbers the
same calls yield eagerly.

Streams follow TF2's seeding rules:

* ops without `seed` use the global stream, nondeterministic until
  `set_seed(s)` and reproducible after it;
* an op `seed` picks the stream of (global seed, op seed): successive calls
  give successive values, `set_seed` restarts them;
* `Generator.from_seed(s)` is a stream of its own.

Floats come from exactly representable grids (mantissa-many random bits);
normals are sqrt(2) * erfinv(u) as in JAX, truncated normals the same on the
interval that maps to [-2, 2].
"""
from __future__ import annotations

import hashlib
import math
import secrets

import numpy as np

from strataflow.framework import context, dtypes
from strataflow.framework import variables as _variables
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor import convert_to_tensor
from strataflow.framework.tensor_shape import TensorShape
from strataflow.ops import array_ops, math_ops
from strataflow.ops import shape_rules as rules
from strataflow.ops.registry import constant_value

_LOW = 0xFFFFFFFF
_PHILOX_M = (0xD2511F53, 0xCD9E8D57)
_PHILOX_W = (0x9E3779B9, 0xBB67AE85)
_DEFAULT_GLOBAL_SEED = 87654321  # op seeds without a global seed (TF's default)
_ADVANCE = np.array([0, 0, 1], np.int64)


# ---------------------------------------------------------------------------
# Philox and streams
# ---------------------------------------------------------------------------

def _mulhilo(a, m):
    product = a * m  # int64 wraps modulo 2^64: all 64 bits are exact
    return (product >> 32) & _LOW, product & _LOW


def philox(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on 32-bit words held in int64 tensors (or NumPy arrays)."""
    for _ in range(10):
        hi0, lo0 = _mulhilo(c0, _PHILOX_M[0])
        hi1, lo1 = _mulhilo(c2, _PHILOX_M[1])
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0, k1 = (k0 + _PHILOX_W[0]) & _LOW, (k1 + _PHILOX_W[1]) & _LOW
    return c0, c1, c2, c3


def _key(*parts) -> list[int]:
    digest = int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "little")
    return [digest & _LOW, digest >> 32]


def _stream_state(*parts) -> np.ndarray:
    return np.array(_key(*parts) + [0], np.int64)


def _new_stream(*parts) -> _variables.Variable:
    with _variables.framework_state():
        return _variables.Variable(_stream_state(*parts), trainable=False, name="random_stream")


def _reset(stream, *parts) -> None:
    stream.handle.replace(_stream_state(*parts))


# the global stream is made on first use (variables import this module)
_global = {"seed": None, "stream": None, "op_streams": {}}


def _global_stream():
    if _global["stream"] is None:
        _global["stream"] = _new_stream("global", secrets.randbits(64))
    return _global["stream"]


def set_seed(seed: int) -> None:
    """Sets the global seed: the random ops that follow are reproducible.

        >>> sf.random.set_seed(1); a = sf.random.uniform([2])
        >>> sf.random.set_seed(1); b = sf.random.uniform([2])   # a == b
    """
    seed = int(seed)
    _global["seed"] = seed
    _reset(_global_stream(), "global", seed)
    for op_seed, stream in _global["op_streams"].items():
        _reset(stream, "op", seed, op_seed)


def _stream(seed, generator):
    if generator is not None:
        return generator.state
    if seed is None:
        return _global_stream()
    seed, streams = int(seed), _global["op_streams"]
    if seed not in streams:
        global_seed = _DEFAULT_GLOBAL_SEED if _global["seed"] is None else _global["seed"]
        streams[seed] = _new_stream("op", global_seed, seed)
    return streams[seed]


def _words(stream, count, parts: int = 1) -> list:
    """`parts` tensors of `count` random 32-bit words each (int64 values in
    [0, 2^32)), from one draw: words `i*count ... (i+1)*count - 1` of the
    draw's stream of words. `count` is an int, or (staged, for shapes known
    only at run time) a scalar int64 tensor."""
    if context.executing_eagerly():  # the same Philox on NumPy arrays: no per-op dispatch
        state = stream.numpy()[:, None]  # 1-element rows: array (not scalar) arithmetic wraps
        stream.assign_add(_ADVANCE)
        blocks = np.arange((parts * count + 3) // 4, dtype=np.int64)
        words = philox(blocks, 0, state[2] & _LOW, state[2] >> 32, state[0], state[1])
        flat = np.stack(words, axis=1).reshape(-1)
        return [convert_to_tensor(flat[i * count:(i + 1) * count]) for i in range(parts)]
    state = stream.read_value()
    stream.assign_add(_ADVANCE)
    counter, key = state[2], (state[0], state[1])
    if isinstance(count, int):  # four words per Philox block
        blocks = array_ops.range_((parts * count + 3) // 4, dtype=dtypes.int64)
        words = philox(blocks, 0, counter & _LOW, counter >> 32, *key)
        flat = array_ops.reshape(array_ops.stack(words, axis=1), [-1])
        return [flat[i * count:(i + 1) * count] for i in range(parts)]
    # a run-time count: word e is lane e % 4 of block e // 4, computed per element
    index = array_ops.range_(count, dtype=dtypes.int64)
    out = []
    for i in range(parts):
        e = index + count * i if i else index
        c0, c1, c2, c3 = philox(e >> 2, 0, counter & _LOW, counter >> 32, *key)
        lane = e & 3
        out.append(math_ops.where(lane == 0, c0, math_ops.where(
            lane == 1, c1, math_ops.where(lane == 2, c2, c3))))
    return out


def _shape_arg(shape):
    """A tuple of ints, or -- staged, with dims known only at run time -- a
    1-D int64 tensor of them."""
    if isinstance(shape, (list, tuple, TensorShape)):
        dims = TensorShape(shape)
        if not dims.is_fully_defined():
            raise InvalidArgumentError(
                f"random shapes must be fully defined, got {dims} (inside sf.function, pass "
                "a shape tensor such as sf.shape(x) for dims known only at run time)")
        return tuple(dims.dims)
    value = constant_value(convert_to_tensor(shape))
    if value is not None:
        return tuple(int(d) for d in np.asarray(value).reshape(-1))
    return math_ops.cast(shape, dtypes.int64)


def _count(shape):
    """The number of elements of a `_shape_arg` (an int or a scalar tensor)."""
    if isinstance(shape, tuple):
        return int(np.prod(shape, dtype=np.int64))
    return math_ops.reduce_prod(shape)


def _reshape(flat, shape):
    return array_ops.reshape(flat, list(shape) if isinstance(shape, tuple) else shape)


_GRID_BITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _unit(stream, shape, dtype, open_interval=False):
    """Uniform samples on [0, 1) -- (0, 1) with `open_interval` -- as floats
    of `dtype`'s working precision (float64 for float64, else float32), on a
    grid exactly representable in `dtype`."""
    work = dtypes.float64 if dtype is dtypes.float64 else dtypes.float32
    bits = _GRID_BITS[dtype.name] - open_interval  # the +1/2 needs one bit
    n = _count(shape)
    if bits > 32:
        high, low = _words(stream, n, parts=2)
        grid = ((high >> (64 - bits)) << 32) | low
    else:
        (grid,) = _words(stream, n)
        grid = grid >> (32 - bits)
    u = math_ops.cast(grid, work)
    if open_interval:
        u = u + 0.5
    return _reshape(u * 2.0 ** -bits, shape)


def _float_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    rules.require(dtype, "f", "dtype")
    return dtype


# ---------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------

def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None, generator=None):
    """Uniform samples in [minval, maxval) (integers need maxval).

        >>> sf.random.uniform([2, 3], -1, 1).shape
        TensorShape([2, 3])
    """
    shape, dtype = _shape_arg(shape), dtypes.as_dtype(dtype)
    stream = _stream(seed, generator)
    if dtype.is_integer:
        if maxval is None:
            raise InvalidArgumentError("uniform with an integer dtype needs maxval")
        minval, maxval = int(minval), int(maxval)
        if minval >= maxval:
            raise InvalidArgumentError(f"uniform needs minval < maxval, got [{minval}, {maxval})")
        n, span = _count(shape), maxval - minval
        if span <= 2 ** 32:
            (raw,) = _words(stream, n)
        else:  # 64 random bits (negative as int64; floormod below makes them [0, span))
            high, low = _words(stream, n, parts=2)
            raw = (high << 32) | low
        return _reshape(math_ops.cast(raw % span + minval, dtype), shape)
    dtype = _float_dtype(dtype)
    minval, maxval = float(minval), 1.0 if maxval is None else float(maxval)
    return math_ops.cast(_unit(stream, shape, dtype) * (maxval - minval) + minval, dtype)


def _normal_from(u, mean, stddev, dtype):
    z = math_ops.erfinv(u) * math.sqrt(2)
    return math_ops.cast(z * stddev + mean, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None, generator=None):
    """Samples from N(mean, stddev^2).

        >>> sf.random.normal([3], seed=1).dtype
        sf.float32
    """
    shape, dtype = _shape_arg(shape), _float_dtype(dtype)
    u = _unit(_stream(seed, generator), shape, dtype, open_interval=True) * 2 - 1
    return _normal_from(u, float(mean), float(stddev), dtype)


_TRUNCATION = math.erf(2 / math.sqrt(2))  # u in (-this, this) maps into (-2, 2)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None,
                     generator=None):
    """Normal samples restricted to within 2 stddev of the mean (as TF)."""
    shape, dtype = _shape_arg(shape), _float_dtype(dtype)
    u = _unit(_stream(seed, generator), shape, dtype, open_interval=True)
    return _normal_from((u * 2 - 1) * _TRUNCATION, float(mean), float(stddev), dtype)


def shuffle(value, seed=None, name=None, generator=None):
    """`value` with its first axis randomly permuted."""
    value = convert_to_tensor(value)
    if value.shape.rank == 0:
        return value
    n = value.shape[0]
    if n is None:
        raise InvalidArgumentError("shuffle needs a static first dimension")
    (keys,) = _words(_stream(seed, generator), n)
    return array_ops.gather(value, array_ops.argsort(keys, stable=True))


def categorical(logits, num_samples, dtype=dtypes.int64, seed=None, name=None, generator=None):
    """Class indices drawn from softmax(logits), [batch, num_samples] (Gumbel-max).

        >>> sf.random.categorical(sf.math.log([[0.5, 0.5]]), 4).shape
        TensorShape([1, 4])
    """
    logits = convert_to_tensor(logits)
    rules.require(logits.dtype, "f", "logits")
    if logits.shape.rank != 2 or not logits.shape.is_fully_defined():
        raise InvalidArgumentError(
            f"categorical needs logits of a static shape [batch, classes], got "
            f"{rules.dims_text(logits.shape)}")
    batch, classes = logits.shape.dims
    num_samples = int(num_samples)
    u = _unit(_stream(seed, generator), (batch, num_samples, classes), logits.dtype,
              open_interval=True)
    gumbel = -math_ops.log(-math_ops.log(u))
    scores = math_ops.cast(logits, u.dtype)[:, None, :] + gumbel
    return math_ops.argmax(scores, axis=-1, output_type=dtypes.as_dtype(dtype))


class Generator:
    """An independent random stream (cf. `tf.random.Generator`); its state is
    a `Variable`, so staged functions that use it advance it too.

        >>> g = sf.random.Generator.from_seed(42)
        >>> g.normal([2]).shape
        TensorShape([2])
    """

    def __init__(self, seed: int):
        self._seed = int(seed)
        self.state = _new_stream("generator", self._seed)

    @classmethod
    def from_seed(cls, seed: int) -> "Generator":
        return cls(seed)

    @classmethod
    def from_non_deterministic_state(cls) -> "Generator":
        return cls(secrets.randbits(63))

    def reset_from_seed(self, seed: int) -> None:
        self._seed = int(seed)
        _reset(self.state, "generator", self._seed)

    def __repr__(self) -> str:
        return f"<sf.random.Generator seed={self._seed}>"

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return normal(shape, mean, stddev, dtype, generator=self)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return truncated_normal(shape, mean, stddev, dtype, generator=self)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        return uniform(shape, minval, maxval, dtype, generator=self)

    def categorical(self, logits, num_samples, dtype=dtypes.int64, name=None):
        return categorical(logits, num_samples, dtype, generator=self)
