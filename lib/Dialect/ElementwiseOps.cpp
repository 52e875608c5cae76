//===- ElementwiseOps.cpp - folders and verifiers of elementwise ops ------===//
#include "strataflow/SfDialect.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::sf;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// x + 0 -> x.
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (matchPattern(adaptor.getRhs(), m_AnyZeroFloat()) ||
      matchPattern(adaptor.getRhs(), m_Zero()))
    return getLhs();
  return {};
}
