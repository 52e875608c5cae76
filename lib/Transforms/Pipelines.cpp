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
    "sf-decompose,sf-shape-refine,sf-to-linalg,canonicalize,cse,sf-fuse-elementwise,"
    "func.func(sf-scalarize-zero-d),canonicalize,cse";

// Loop level: bufferized, every public function returns buffers it owns.
// Loops (sf.while) may carry freshly allocated tensors from one iteration to
// the next; the deallocation pipeline frees them. Linalg ops still there (all
// of them, unless optimizing) become scalar loops.
constexpr const char *kBufferize =
    "one-shot-bufferize{allow-return-allocs-from-loops "
    "bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,";
constexpr const char *kLinalgToLoops =
    "func.func(convert-linalg-to-loops),canonicalize,cse";

// Outermost scf.forall loops run on threads. With the async runtime
// (libmlir_async_runtime.so) they become tasks on its worker pool; our
// forall iterations are already big blocks, so every one may be a task
// (min-task-size=1).
std::string asyncParallel(int threads) {
  return "async-parallel-for{min-task-size=1 num-workers=" +
         std::to_string(threads) +
         "},async-to-async-runtime,async-runtime-ref-counting,"
         "async-runtime-ref-counting-opt,arith-expand,convert-async-to-llvm,";
}
// With OpenMP they become parallel regions on the same thread team as the
// threaded GEMM kernel: one pool, whose threads spin briefly between
// regions instead of sleeping (waking an async worker costs ~100 us, and
// two pools on few cores preempt each other).
// Forking a spinning team costs a few microseconds, not the ~100 us of
// waking async workers, so smaller loop nests are worth splitting.
constexpr int64_t kOpenMPMinWork = int64_t(1) << 18;
std::string openmpParallel(int threads) {
  return "convert-scf-to-openmp{num-threads=" + std::to_string(threads) + "},";
}

// A first tier (see the first-tier option) keeps functions of up to this
// many loop iterations (kernel matmuls aside) scalar: unoptimized scalar
// loops run ~2-5 ns an iteration, so at most ~10-20 ms of the first call.
constexpr int64_t kFirstTierVectorizeWork = int64_t(1) << 22;

// LLVM dialect, ready for the ExecutionEngine. i1 buffers become i8 first
// (the memref lowering aborts on i1 stores). expand-strided-metadata makes
// affine.apply for dynamic subview offsets, hence the second lower-affine.
// Math ops become LLVM intrinsics or libm calls here, unless that was done
// before (`mathLowered`, see toLLVM); `tidy` canonicalizes the unrolled
// vector code (a first tier skips it).
constexpr const char *kMathToLLVM = "convert-math-to-llvm,convert-math-to-libm,";
std::string toLLVMDialect(bool mathLowered, bool tidy = true) {
  return std::string(
             "scf-forall-to-for,convert-vector-to-scf{full-unroll target-rank=1},") +
         (tidy ? "canonicalize," : "") +
         "convert-vector-to-llvm,lower-affine,convert-scf-to-cf,"
         "expand-strided-metadata,lower-affine,finalize-memref-to-llvm," +
         (mathLowered ? "" : kMathToLLVM) +
         "convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,"
         "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts";
}
constexpr const char *kOpenMPToLLVM =
    ",convert-openmp-to-llvm,reconcile-unrealized-casts";

// The precompiled kernels (lib/Kernels): helpers inlined, parallel loops
// as OpenMP parallel regions when threaded (see lib/Kernels/gemm.py).
std::string kernelsToLLVM(int threads) {
  std::string text = "inline,symbol-dce,canonicalize,cse,";
  if (threads > 1)
    text += "convert-scf-to-openmp,";
  text += toLLVMDialect(/*mathLowered=*/false);
  return threads > 1 ? text + kOpenMPToLLVM : text;
}

void addPipeline(OpPassManager &pm, std::string text) {
  if (failed(parsePassPipeline(text, pm)))
    llvm::report_fatal_error("strataflow: malformed built-in pipeline");
}

/// Options of the loop and LLVM levels: naive loops by default (readable
/// reference), or the optimizing CPU schedule.
struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Tile, fuse and vectorize (sf-cpu-tile-and-vectorize) "
                     "instead of lowering linalg to naive loops"),
      llvm::cl::init(false)};
  Option<std::string> target{
      *this, "target", llvm::cl::desc("Vector ISA: avx512 or avx2"),
      llvm::cl::init("avx2")};
  Option<int> threads{
      *this, "threads",
      llvm::cl::desc("Worker threads for outermost parallel loops (1: none)"),
      llvm::cl::init(1)};
  Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run parallel loops on OpenMP threads (libiomp5) "
                     "instead of MLIR's async runtime"),
      llvm::cl::init(false)};
  Option<bool> firstTier{
      *this, "first-tier",
      llvm::cl::desc("With optimize: code for the first calls of a tiered "
                     "compile: functions that do little work besides kernel "
                     "matmuls stay scalar loops (about 2x faster to lower)"),
      llvm::cl::init(false)};
  Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("With optimize: f32 matmuls call the precompiled GEMM "
                     "kernel (libsf_kernels) instead of compiling inline"),
      llvm::cl::init(true)};
};

struct KernelPipelineOptions
    : public PassPipelineOptions<KernelPipelineOptions> {
  Option<int> threads{
      *this, "threads",
      llvm::cl::desc("> 1: scf.parallel loops become OpenMP parallel regions"),
      llvm::cl::init(1)};
};

std::string toLoops(const CpuPipelineOptions &options) {
  std::string text = std::string(kToLinalg) + ",";
  bool kernels = options.optimize && options.kernels;
  if (options.optimize)
    text += "func.func(sf-cpu-tile-and-vectorize{target=" + options.target +
            (kernels ? " library-gemm=1" : "") +
            (options.firstTier
                 ? " min-work=" + std::to_string(kFirstTierVectorizeWork)
                 : "") +
            "})," +
            // tidies what tiling made; a first tier has no time for that
            (options.firstTier ? "" : "canonicalize,cse,");
  text += kBufferize;
  if (kernels)
    text += "sf-cpu-gemm-to-call{target=" + options.target +
            " threads=" + std::to_string(options.threads) + "},";
  return text + kLinalgToLoops;
}

std::string toLLVM(const CpuPipelineOptions &options) {
  // Bools become bytes in memory before async outlining copies loop bodies
  // into task functions.
  std::string text = toLoops(options) + ",sf-widen-bool-memrefs,";
  // Math ops on vectors become LLVM intrinsics (LLVM scalarizes those it has
  // no vector form for); what has no intrinsic (erf) becomes libm calls
  // before the vector lowering, which then lowers the unrolling.
  if (options.optimize)
    text += kMathToLLVM;
  bool openmp = options.openmp && options.threads > 1;
  if (openmp)
    text += "func.func(sf-cpu-parallelize{min-parallel-work=" +
            std::to_string(kOpenMPMinWork) + "})," +
            openmpParallel(options.threads);
  else if (options.threads > 1)
    text += "func.func(sf-cpu-parallelize)," + asyncParallel(options.threads);
  else
    text += "func.func(sf-cpu-parallelize{sequential=1}),";
  text += toLLVMDialect(/*mathLowered=*/options.optimize, !options.firstTier);
  if (openmp)
    text += kOpenMPToLLVM;
  // code generated at opt level 0 selects instructions faster without them
  return options.firstTier ? text + ",llvm.func(sf-prepare-fast-isel)" : text;
}
} // namespace

void sf::registerSfPassesAndPipelines() {
  registerSfPasses();
  PassPipelineRegistration<>(
      "sf-lower-to-linalg", "Lower sf to fused linalg on tensors",
      [](OpPassManager &pm) { addPipeline(pm, kToLinalg); });
  PassPipelineRegistration<CpuPipelineOptions>(
      "sf-lower-to-loops",
      "Lower sf to bufferized loops (memref + scf; vectors if optimize)",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        addPipeline(pm, toLoops(options));
      });
  PassPipelineRegistration<CpuPipelineOptions>(
      "sf-lower-to-llvm", "Lower sf to the LLVM dialect for the CPU JIT",
      [](OpPassManager &pm, const CpuPipelineOptions &options) {
        addPipeline(pm, toLLVM(options));
      });
  PassPipelineRegistration<KernelPipelineOptions>(
      "sf-lower-kernels-to-llvm",
      "Lower the precompiled kernels (lib/Kernels, vector level) to LLVM",
      [](OpPassManager &pm, const KernelPipelineOptions &options) {
        addPipeline(pm, kernelsToLLVM(options.threads));
      });
}
