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
// Background compiles start from the text of a module, which they parse
// into a private context here and lower there, so that no Python object
// (nor the GIL) is involved.
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

#include <mutex>

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

MlirExecutionEngine sfExecutionEngineCreateFromText(
    MlirStringRef text, MlirStringRef pipeline, int optLevel, int numPaths,
    const MlirStringRef *sharedLibPaths, bool enablePIC) {
  // One context for all of them, one compile at a time: contexts are not
  // thread-safe, and creating one per compile costs ~10 ms. Passes run on
  // this thread only: the caller's thread needs the other cores.
  static std::mutex mutex;
  static MLIRContext *context = [] {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registry.insert<sf::SfDialect>();
    return new MLIRContext(registry, MLIRContext::Threading::DISABLED);
  }();
  std::lock_guard<std::mutex> lock(mutex);
  // Diagnostics are dropped: the text is our own printed module, and a
  // failure only means the caller keeps the code it has.
  ScopedDiagnosticHandler quiet(context, [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(unwrap(text), ParserConfig(context));
  if (!module)
    return {nullptr};
  if (pipeline.length) {
    PassManager pm(context);
    pm.enableVerifier(false); // the result is verified once, below
    std::string error;
    llvm::raw_string_ostream errors(error);
    if (failed(parsePassPipeline(unwrap(pipeline), pm, errors)) ||
        failed(pm.run(*module)) || failed(verify(*module)))
      return {nullptr};
  }
  return sfExecutionEngineCreate(wrap(*module), optLevel, numPaths,
                                 sharedLibPaths, enablePIC);
}
