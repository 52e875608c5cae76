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
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <dlfcn.h>

#include <string>
#include <vector>

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
  m.def(
      "create_engine",
      [](nb::object module, int optLevel, std::string symbol,
         std::string pipeline) {
        // Text is parsed into a private context (any thread) and lowered
        // there by `pipeline`; a Module must not be touched by anyone else
        // until this returns.
        std::string text;
        MlirModule raw{nullptr};
        if (nb::isinstance<nb::str>(module)) {
          text = nb::cast<std::string>(module);
        } else {
          raw = mlirPythonCapsuleToModule(
              module.attr(MLIR_PYTHON_CAPI_PTR_ATTR).ptr());
          if (mlirModuleIsNull(raw))
            throw nb::type_error("expected an mlir.ir.Module or its text");
        }
        MlirExecutionEngine jit;
        {
          // Translation and code generation take 10s to 100s of ms: other
          // Python threads (the caller's tracing or training loop) run
          // meanwhile.
          // No shared libraries: what the code calls is loaded into the
          // global symbol scope beforehand (strataflow.compiler.native_libs).
          nb::gil_scoped_release release;
          jit = mlirModuleIsNull(raw)
                    ? sfExecutionEngineCreateFromText(
                          mlirStringRefCreate(text.data(), text.size()),
                          mlirStringRefCreate(pipeline.data(), pipeline.size()),
                          optLevel, 0, nullptr, /*enablePIC=*/true)
                    : sfExecutionEngineCreate(raw, optLevel, 0, nullptr,
                                              /*enablePIC=*/true);
          if (!mlirExecutionEngineIsNull(jit) && !symbol.empty())
            (void)mlirExecutionEngineLookupPacked(
                jit, mlirStringRefCreate(symbol.data(), symbol.size()));
        }
        if (mlirExecutionEngineIsNull(jit))
          throw std::runtime_error("could not create an ExecutionEngine");
        return nb::steal(mlirPythonExecutionEngineToCapsule(jit));
      },
      nb::arg("module"), nb::arg("opt_level"), nb::arg("symbol"),
      nb::arg("pipeline") = "",
      "An ExecutionEngine (as a capsule for ExecutionEngine._CAPICreate) for "
      "an LLVM-dialect module, or for the text of a module that `pipeline` "
      "lowers to one, with the machine code of `symbol` generated; the GIL "
      "is released meanwhile.");
  m.def(
      "clone_module",
      [](nb::object module) {
        MlirModule raw = mlirPythonCapsuleToModule(
            module.attr(MLIR_PYTHON_CAPI_PTR_ATTR).ptr());
        if (mlirModuleIsNull(raw))
          throw nb::type_error("expected an mlir.ir.Module");
        MlirOperation copy = mlirOperationClone(mlirModuleGetOperation(raw));
        return nb::steal(
            mlirPythonModuleToCapsule(mlirModuleFromOperation(copy)));
      },
      nb::arg("module"),
      "A deep copy of a Module (as a capsule for Module._CAPICreate, which "
      "owns it): no printing and parsing.");
  m.def(
      "load_libraries",
      [](std::vector<std::string> paths) {
        // ctypes holds the GIL while it loads a library (~20 ms for the
        // OpenMP runtime once MLIR is loaded: relocations search every
        // loaded object); a background thread can do it meanwhile.
        nb::gil_scoped_release release;
        for (const std::string &path : paths)
          if (!dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL))
            return std::string(dlerror());
        return std::string();
      },
      nb::arg("paths"),
      "Loads shared libraries into the global symbol scope, in order, with "
      "the GIL released; stops at the first that fails and returns its "
      "error ('' when all loaded).");
  sf::defineFastCall(m);
}
