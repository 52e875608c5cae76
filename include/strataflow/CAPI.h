//===- CAPI.h - C API of the sf dialect -----------------------------*- C -*-===//
#ifndef STRATAFLOW_CAPI_H
#define STRATAFLOW_CAPI_H

#include "mlir-c/ExecutionEngine.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Adds the sf dialect to `registry`.
void sfRegisterDialect(MlirDialectRegistry registry);
/// Registers sf passes and pipelines with the global pass registry (once).
void sfRegisterPassesAndPipelines(void);
/// As `mlirExecutionEngineCreate` (object dump on), except that machine code
/// is generated at `optLevel` too, not always at LLVM's default level.
MlirExecutionEngine sfExecutionEngineCreate(MlirModule module, int optLevel,
                                            int numPaths,
                                            const MlirStringRef *sharedLibPaths,
                                            bool enablePIC);
/// The same for a module given as text, parsed into a private context and
/// lowered there by `pipeline` (a pass pipeline on `builtin.module`, empty
/// if the text is LLVM dialect already): callable from any thread, by
/// several at once (each takes a context of its own from a pool). Null if
/// any step fails.
MlirExecutionEngine sfExecutionEngineCreateFromText(
    MlirStringRef text, MlirStringRef pipeline, int optLevel, int numPaths,
    const MlirStringRef *sharedLibPaths, bool enablePIC);

#ifdef __cplusplus
}
#endif

#endif // STRATAFLOW_CAPI_H
