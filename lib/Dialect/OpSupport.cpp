//===- OpSupport.cpp - checks shared by several op families ---------------===//
#include "strataflow/SfDialect.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

bool sf::areCompatibleTensorTypes(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [lhs, rhs] : llvm::zip_equal(inferred, actual)) {
    auto l = dyn_cast<RankedTensorType>(lhs);
    auto r = dyn_cast<RankedTensorType>(rhs);
    if (!l || !r || l.getElementType() != r.getElementType() ||
        failed(verifyCompatibleShape(l, r)))
      return false;
  }
  return true;
}

LogicalResult sf::verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}
