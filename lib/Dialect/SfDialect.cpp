//===- SfDialect.cpp - dialect registration, types, constants -------------===//
#include "strataflow/SfDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::sf;

#include "strataflow/SfOpsDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "strataflow/SfTypes.cpp.inc"

#define GET_OP_CLASSES
#include "strataflow/SfOps.cpp.inc"

void SfDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "strataflow/SfTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "strataflow/SfOps.cpp.inc"
      >();
}

Operation *SfDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
