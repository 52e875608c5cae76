//===- CAPI.h - C API of the sf dialect -----------------------------*- C -*-===//
#ifndef STRATAFLOW_CAPI_H
#define STRATAFLOW_CAPI_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Adds the sf dialect to `registry`.
void sfRegisterDialect(MlirDialectRegistry registry);
/// Registers sf passes and pipelines with the global pass registry (once).
void sfRegisterPassesAndPipelines(void);

#ifdef __cplusplus
}
#endif

#endif // STRATAFLOW_CAPI_H
