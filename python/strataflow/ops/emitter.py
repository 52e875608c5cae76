"""Helpers for op emitters: MLIR types, attributes and generic op creation.

Imported only when staging (it needs the MLIR bindings). An emitter gets a
`Builder` as its first argument and builds at the current insertion point
and location (the graph sets both):

    def _emit_add(b, x, y, *, out_specs):
        x, y = b.broadcast_operands([x, y], out_specs)   # explicit broadcasting
        return b.op("sf.add", [x, y], [b.tensor_type(out_specs)])

The staging layer may subclass `Builder` (e.g. to map variable handles).
"""
from __future__ import annotations

import numpy as np
from mlir import ir

from strataflow.framework import dtypes
from strataflow.framework.errors import InvalidArgumentError
from strataflow.framework.tensor_shape import TensorShape, TensorSpec

_DYNAMIC = ir.ShapedType.get_dynamic_size()


class Builder:
    """Stateless helpers over the MLIR Python API; subclass to add state."""

    # -- types ----------------------------------------------------------------
    def element_type(self, dtype) -> ir.Type:
        """MLIR element type of a DType (`sf.uint8` -> ui8, `sf.bool` -> i1)."""
        name = dtypes.as_dtype(dtype).mlir_name
        if name == "f16":
            return ir.F16Type.get()
        if name == "bf16":
            return ir.BF16Type.get()
        if name == "f32":
            return ir.F32Type.get()
        if name == "f64":
            return ir.F64Type.get()
        if name == "ui8":
            return ir.IntegerType.get_unsigned(8)
        return ir.IntegerType.get_signless(int(name[1:]))

    def tensor_type(self, spec, dtype=None) -> ir.RankedTensorType:
        """`tensor<?x3xf32>` of a TensorSpec (or of a shape and a dtype)."""
        if dtype is None:
            shape, dtype = spec.shape, spec.dtype
        else:
            shape = spec
        dims = getattr(shape, "dims", shape)
        if dims is None:
            raise InvalidArgumentError("sf ops need ranked tensors; got a shape of unknown rank")
        return ir.RankedTensorType.get(
            [_DYNAMIC if d is None else int(d) for d in dims], self.element_type(dtype)
        )

    def note_write(self, handle: ir.Value) -> None:
        """Called by the emitters of the ops that write variable `handle`
        (`sf.assign*`): a graph records which of its variables change."""

    def variable_value_type(self, handle: ir.Value) -> ir.RankedTensorType:
        """T of a `!sf.variable<T>` value."""
        text = str(handle.type)
        return ir.RankedTensorType(ir.Type.parse(text[text.index("<") + 1:-1]))

    # -- attributes -----------------------------------------------------------
    def i64(self, value: int) -> ir.IntegerAttr:
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))

    def i64_array(self, values) -> ir.DenseI64ArrayAttr:
        return ir.DenseI64ArrayAttr.get([int(v) for v in values])

    def bool_attr(self, value: bool) -> ir.BoolAttr:
        return ir.BoolAttr.get(bool(value))

    def f64(self, value: float) -> ir.FloatAttr:
        return ir.FloatAttr.get(ir.F64Type.get(), float(value))

    def string(self, value: str) -> ir.StringAttr:
        return ir.StringAttr.get(value)

    def type_attr(self, t: ir.Type) -> ir.TypeAttr:
        return ir.TypeAttr.get(t)

    def dense(self, array, dtype=None) -> ir.DenseElementsAttr:
        """A DenseElementsAttr holding `array` (cast to `dtype` if given)."""
        dtype = dtypes.from_numpy(np.asarray(array).dtype) if dtype is None else dtypes.as_dtype(dtype)
        array = np.asarray(array, dtype=dtype._np)
        if not array.flags.c_contiguous:  # (np.ascontiguousarray would make 0-d 1-d)
            array = array.copy()
        t = self.tensor_type(array.shape, dtype)
        if dtype.is_bool:  # MLIR wants i1 bit-packed, LSB first
            return ir.DenseElementsAttr.get(
                np.packbits(array.reshape(-1), bitorder="little"), type=t
            )
        return ir.DenseElementsAttr.get(array, type=t)

    # -- ops ------------------------------------------------------------------
    def op(self, name: str, operands, result_types, attrs: dict | None = None):
        """Creates op `name`; returns its single result, or the list of results."""
        operation = ir.Operation.create(
            name,
            results=list(result_types),
            operands=list(operands),
            attributes={k: v for k, v in (attrs or {}).items() if v is not None},
        )
        results = list(operation.results)
        return results[0] if len(results) == 1 else results

    def constant(self, array, dtype=None) -> ir.Value:
        """`sf.constant dense<...>` of a NumPy array or Python value."""
        attr = self.dense(array, dtype)
        return self.op("sf.constant", [], [attr.type], {"value": attr})

    def shape_tensor(self, dims) -> ir.Value:
        """A 1-D i64 constant holding static `dims` (for shape operands)."""
        return self.constant(np.asarray(list(dims), np.int64).reshape(-1))

    def shape_of(self, value: ir.Value) -> ir.Value:
        """`sf.shape`: the runtime shape of `value` as tensor<rank x i64>."""
        rank = ir.RankedTensorType(value.type).rank
        return self.op("sf.shape", [value], [self.tensor_type([rank], dtypes.int64)])

    @staticmethod
    def dims_of(value: ir.Value) -> tuple:
        """Static dims of a ranked tensor value (None for dynamic ones)."""
        t = ir.RankedTensorType(value.type)
        return tuple(None if t.is_dynamic_dim(i) else t.shape[i] for i in range(t.rank))

    def as_i64(self, value: ir.Value) -> ir.Value:
        """An integer tensor converted to i64 (shape and index operands)."""
        t = ir.RankedTensorType(value.type)
        if str(t.element_type) == "i64":
            return value
        return self.op("sf.cast", [value], [self.tensor_type(self.dims_of(value), dtypes.int64)])

    def cast(self, value: ir.Value, dtype) -> ir.Value:
        t = ir.RankedTensorType(value.type)
        if t.element_type == self.element_type(dtype):
            return value
        return self.op("sf.cast", [value], [self.tensor_type(self.dims_of(value), dtype)])

    def broadcast_to(self, value: ir.Value, spec, shape: ir.Value | None = None) -> ir.Value:
        """`value` broadcast to `spec`'s shape (no-op when already that type).
        Dynamic dims need `shape`, the runtime target shape (1-D i64)."""
        target = self.tensor_type(spec.shape, _element_dtype(value))
        if value.type == target:
            return value
        dims = spec.shape.dims
        if shape is None:
            if None in dims:
                raise InvalidArgumentError("broadcasting to dynamic dims needs a runtime shape")
            shape = self.shape_tensor(dims)
        return self.op("sf.broadcast_to", [value, shape], [target])

    def broadcast_batch(self, value: ir.Value, batch: list) -> ir.Value:
        """`value` (a stack of matrices) with its leading dims broadcast to `batch`."""
        dims = self.dims_of(value)
        spec = TensorSpec(TensorShape(list(batch) + list(dims[-2:])), _element_dtype(value))
        if None in batch:
            raise InvalidArgumentError("batched matmul with dynamic batch dims is not supported yet")
        return self.broadcast_to(value, spec)

    def broadcast_operands(self, operands, out_spec) -> list:
        """Each operand broadcast to the (elementwise) result's shape.

        With dynamic result dims the runtime shape is the elementwise max of
        the operands' shapes (padded with leading 1s), which is the broadcast
        shape whenever the operands are compatible."""
        dims = out_spec.shape.dims
        if None not in dims or all(v.type == self.tensor_type(out_spec.shape, _element_dtype(v))
                                   for v in operands):
            return [self.broadcast_to(v, out_spec) for v in operands]
        rank = len(dims)
        shape = None
        for v in operands:
            r = ir.RankedTensorType(v.type).rank
            if r == 0:  # a scalar contributes only 1s; nothing to concatenate
                continue
            s = self.shape_of(v)
            if r < rank:
                ones = self.shape_tensor([1] * (rank - r))
                s = self.op("sf.concat", [ones, s], [self.tensor_type([rank], dtypes.int64)],
                            {"axis": self.i64(0)})
            shape = s if shape is None else self.op(
                "sf.maximum", [shape, s], [self.tensor_type([rank], dtypes.int64)])
        return [self.broadcast_to(v, out_spec, shape) for v in operands]


def _element_dtype(value: ir.Value) -> dtypes.DType:
    return dtypes.as_dtype(str(ir.RankedTensorType(value.type).element_type))
