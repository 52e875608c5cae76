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
//===----------------------------------------------------------------------===//
#include "strataflow/CAPI.h"

#include "mlir/CAPI/ExecutionEngine.h"
#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

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
