//===- native.cpp - the strataflow._sfnative extension --------------------===//
//
// Registers the sf dialect into an `mlir.ir.DialectRegistry` and our passes
// with the global registry, through the MLIR Python capsule protocol; and
// the fast call path of small staged functions (fast_call.cpp).
//
//===----------------------------------------------------------------------===//
#include "fast_call.h"
#include "strataflow/CAPI.h"

#include "mlir-c/Bindings/Python/Interop.h"

#include <nanobind/nanobind.h>

namespace nb = nanobind;

NB_MODULE(_sfnative, m) {
  m.doc() = "Native part of strataflow: the sf dialect and passes.";
  m.def(
      "register_dialect",
      [](nb::object registry) {
        nb::object capsule = registry.attr(MLIR_PYTHON_CAPI_PTR_ATTR);
        MlirDialectRegistry raw =
            mlirPythonCapsuleToDialectRegistry(capsule.ptr());
        if (mlirDialectRegistryIsNull(raw))
          throw nb::type_error("expected an mlir.ir.DialectRegistry");
        sfRegisterDialect(raw);
      },
      nb::arg("registry"), "Adds the sf dialect to a DialectRegistry.");
  m.def("register_passes", &sfRegisterPassesAndPipelines,
        "Registers sf passes and pipelines (idempotent).");
  sf::defineFastCall(m);
}
