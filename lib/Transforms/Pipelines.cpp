//===- Pipelines.cpp - named CPU pipelines and pass registration ----------===//
//
// The lowering ladder that users print from Python (`sf` -> `linalg` ->
// `loops` -> `llvm`) is three named pipelines, each extending the previous.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfPasses.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
// Tensor level: sf gone, elementwise chains fused into single generics.
constexpr const char *kToLinalg =
    "sf-decompose,sf-shape-refine,sf-to-linalg,canonicalize,cse,linalg-fuse-elementwise-ops,canonicalize,cse";

// Loop level: bufferized, every public function returns buffers it owns.
constexpr const char *kToLoops =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
    "func.func(convert-linalg-to-loops),canonicalize,cse";

// LLVM dialect, ready for the ExecutionEngine. i1 buffers become i8 first
// (the memref lowering aborts on i1 stores).
constexpr const char *kToLLVM =
    "sf-widen-bool-memrefs,scf-forall-to-for,convert-vector-to-scf{full-unroll target-rank=1},"
    "convert-vector-to-llvm,expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-math-to-libm,convert-arith-to-llvm,convert-index-to-llvm,"
    "convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
    "reconcile-unrealized-casts";

void addPipeline(OpPassManager &pm, std::string text) {
  if (failed(parsePassPipeline(text, pm)))
    llvm::report_fatal_error("strataflow: malformed built-in pipeline");
}
} // namespace

void sf::registerSfPassesAndPipelines() {
  registerSfPasses();
  PassPipelineRegistration<>(
      "sf-lower-to-linalg", "Lower sf to fused linalg on tensors",
      [](OpPassManager &pm) { addPipeline(pm, kToLinalg); });
  PassPipelineRegistration<>(
      "sf-lower-to-loops", "Lower sf to bufferized loops (memref + scf)",
      [](OpPassManager &pm) {
        addPipeline(pm, std::string(kToLinalg) + "," + kToLoops);
      });
  PassPipelineRegistration<>(
      "sf-lower-to-llvm", "Lower sf to the LLVM dialect for the CPU JIT",
      [](OpPassManager &pm) {
        addPipeline(pm, std::string(kToLinalg) + "," + kToLoops + "," + kToLLVM);
      });
}
