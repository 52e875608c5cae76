//===- Registration.cpp - C entry points used by the Python module --------===//
#include "strataflow/CAPI.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

#include <mutex>

void sfRegisterDialect(MlirDialectRegistry registry) {
  unwrap(registry)->insert<mlir::sf::SfDialect>();
}

void sfRegisterPassesAndPipelines() {
  // Pass registration is global; Python may import us more than once.
  static std::once_flag once;
  std::call_once(once, [] { mlir::sf::registerSfPassesAndPipelines(); });
}
