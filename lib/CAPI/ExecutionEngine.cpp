//===- ExecutionEngine.cpp - JIT engines whose codegen level is honoured --===//
//
// Upstream's `mlirExecutionEngineCreate` sets the codegen opt level on a
// target machine builder that `ExecutionEngine::create` then drops: it
// compiles with the target machine it was handed, built at the default
// level (-O2). So opt level 0 skipped LLVM's IR passes but still ran the
// optimizing instruction selection, register allocator and scheduler. This
// builds that target machine at the requested level (fast instruction
// selection and register allocation at 0).
//
// Tiered compiles (both tiers) start from the text of a module, which they
// parse into a pooled private context here and lower there, so that no
// Python object (nor the GIL) is involved.
//
//===----------------------------------------------------------------------===//
#include "strataflow/CAPI.h"
#include "strataflow/SfDialect.h"

#include "mlir/CAPI/ExecutionEngine.h"
#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include <memory>
#include <mutex>
#include <vector>

using namespace mlir;

MlirExecutionEngine sfExecutionEngineCreate(MlirModule module, int optLevel,
                                            int numPaths,
                                            const MlirStringRef *sharedLibPaths,
                                            bool enablePIC) {
  static bool initOnce = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmParser(); // inline asm
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initOnce;

  Operation *op = unwrap(module).getOperation();
  MLIRContext &ctx = *op->getContext();
  registerBuiltinDialectTranslation(ctx);
  registerLLVMDialectTranslation(ctx);
  registerOpenMPDialectTranslation(ctx);

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) {
    llvm::consumeError(builder.takeError());
    return {nullptr};
  }
  auto level = static_cast<llvm::CodeGenOptLevel>(optLevel);
  builder->setCodeGenOptLevel(level);
  if (enablePIC)
    builder->setRelocationModel(llvm::Reloc::PIC_);
  auto tm = builder->createTargetMachine();
  if (!tm) {
    llvm::consumeError(tm.takeError());
    return {nullptr};
  }

  SmallVector<StringRef> libs;
  for (int i = 0; i < numPaths; ++i)
    libs.push_back(unwrap(sharedLibPaths[i]));
  ExecutionEngineOptions options;
  options.transformer =
      makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, tm->get());
  options.jitCodeGenOptLevel = level;
  options.sharedLibPaths = libs;
  // the object code goes to the disk cache
  options.enableObjectDump = true;
  auto engine = ExecutionEngine::create(op, options, std::move(*tm));
  if (!engine) {
    llvm::consumeError(engine.takeError());
    return {nullptr};
  }
  return wrap(engine->release());
}

namespace {
/// Contexts for compiles from text, each used by one thread at a time: a
/// context without threading is not thread-safe, and one with it would run
/// passes on the other cores, which the caller's thread needs. Reused,
/// because a new one costs ~15 ms with its dialects loaded; a compile that
/// finds none free (another thread's optimized compile can hold one for a
/// second) makes one rather than wait.
class ContextPool {
public:
  /// A context and the compiles it has served.
  struct Lease {
    std::unique_ptr<MLIRContext> context;
    int compiles = 0;
  };

  Lease acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!free.empty()) {
        Lease lease = std::move(free.back());
        free.pop_back();
        return lease;
      }
    }
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registry.insert<sf::SfDialect>();
    auto context = std::make_unique<MLIRContext>(
        registry, MLIRContext::Threading::DISABLED);
    // Those that the CPU pipelines produce, now (a warm-up makes the first
    // context in the background): loading them costs a first compile
    // ~15 ms. Not all ~70: each loaded dialect adds its patterns to every
    // canonicalization.
    for (StringRef name : {"affine", "arith", "async", "bufferization", "cf",
                           "func", "index", "linalg", "llvm", "math", "memref",
                           "omp", "scf", "sf", "tensor", "ub", "vector"})
      context->getOrLoadDialect(name);
    return {std::move(context)};
  }

  /// A context keeps every type and attribute its compiles created: after
  /// a number of them it is dropped rather than grow for the process's life.
  void release(Lease lease) {
    if (++lease.compiles >= kCompilesPerContext)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    free.push_back(std::move(lease));
  }

private:
  static constexpr int kCompilesPerContext = 64;
  std::mutex mutex;
  std::vector<Lease> free;
};
} // namespace

MlirExecutionEngine sfExecutionEngineCreateFromText(
    MlirStringRef text, MlirStringRef pipeline, int optLevel, int numPaths,
    const MlirStringRef *sharedLibPaths, bool enablePIC) {
  static ContextPool *pool = new ContextPool; // never destroyed: see below
  ContextPool::Lease lease = pool->acquire();
  MLIRContext *context = lease.context.get();
  MlirExecutionEngine engine{nullptr};
  {
    // Diagnostics are dropped: the text is our own printed module, and the
    // caller redoes a failed compile where it reports them.
    ScopedDiagnosticHandler quiet(context,
                                  [](Diagnostic &) { return success(); });
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(unwrap(text), ParserConfig(context));
    bool lowered = bool(module);
    if (lowered && pipeline.length) {
      PassManager pm(context);
      pm.enableVerifier(false); // the result is verified once, below
      std::string error;
      llvm::raw_string_ostream errors(error);
      lowered = succeeded(parsePassPipeline(unwrap(pipeline), pm, errors)) &&
                succeeded(pm.run(*module)) && succeeded(verify(*module));
    }
    // The engine holds LLVM IR translated from the module: the module (and
    // so the context) is free once it exists.
    if (lowered)
      engine = sfExecutionEngineCreate(wrap(*module), optLevel, numPaths,
                                       sharedLibPaths, enablePIC);
  }
  // Pooled contexts outlive any compile, including a background one still
  // running at interpreter exit: the pool is leaked, not destroyed.
  pool->release(std::move(lease));
  return engine;
}
