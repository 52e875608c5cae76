//===- SfDialect.h - the sf dialect, its types and ops ---------*- C++ -*-===//
#ifndef STRATAFLOW_SFDIALECT_H
#define STRATAFLOW_SFDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "strataflow/SfOpSupport.h"

#include "strataflow/SfOpsDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "strataflow/SfTypes.h.inc"

#define GET_OP_CLASSES
#include "strataflow/SfOps.h.inc"

#endif // STRATAFLOW_SFDIALECT_H
