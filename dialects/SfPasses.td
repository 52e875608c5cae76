//===- SfPasses.td - strataflow's passes ---------------------------------===//
#ifndef SF_PASSES_TD
#define SF_PASSES_TD

include "mlir/Pass/PassBase.td"

def SfToLinalg : Pass<"sf-to-linalg", "ModuleOp"> {
  let summary = "Lower sf ops to linalg/tensor/arith/math/scf on tensors";
  let description = [{
    Every sf op becomes upstream tensor-level IR; sf.if/sf.while become
    scf.if/scf.while. Elementwise ops become linalg.generic so that
    upstream elementwise fusion merges chains.
    ```mlir
    %z = sf.add %x, %y : tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %z = linalg.generic {...} ins(%x, %y ...) outs(%e ...) { arith.addf }
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::func::FuncDialect"
  ];
}

def SfDecompose : Pass<"sf-decompose", "ModuleOp"> {
  let summary = "Rewrite composite sf ops (softmax, log_softmax, ...) into primitives";
  let description = [{
    ```mlir
    %y = sf.softmax %x {axis = -1} : tensor<2x3xf32>
    // becomes max-subtracted exp / sum over the axis in sf primitives
    ```
  }];
}

def SfShapeRefine : Pass<"sf-shape-refine", "ModuleOp"> {
  let summary = "Propagate static shapes through sf ops after specialization";
  let description = [{
    Re-infers result types from operand types so that dims that became
    static (e.g. after a function is specialized to concrete shapes) are
    static downstream; inserts `tensor.cast` where a use needs the old type.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def SfPromoteVariables : Pass<"sf-promote-variables", "ModuleOp"> {
  let summary = "Turn variable arguments into values and returned new values";
  let description = [{
    For each function whose reads and assigns of `!sf.variable` arguments
    all sit in its body's top-level block: the arguments become read-only
    tensors, each read the value last assigned before it (or the argument),
    each `assign_add`/`assign_sub` an `sf.add`/`sf.sub`, and the final
    values of the written variables are appended to the results, in
    argument order. `sf.returns_variables` lists their argument numbers;
    the caller rebinds those variables to the extra results. Functions with
    state ops in nested regions are left as they are (updated in place).
    ```mlir
    func.func @step(%v: !sf.variable<tensor<2xf32>>, %g: tensor<2xf32>) -> tensor<2xf32> {
      %w = sf.read %v : !sf.variable<tensor<2xf32>>
      sf.assign_sub %v, %g : !sf.variable<tensor<2xf32>>
      return %w : tensor<2xf32>
    }
    // becomes
    func.func @step(%v: tensor<2xf32>, %g: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
        attributes {sf.returns_variables = array<i64: 0>} {
      %0 = sf.sub %v, %g : tensor<2xf32>
      return %v, %0 : tensor<2xf32>, tensor<2xf32>
    }
    ```
  }];
}

def SfFuseElementwise : Pass<"sf-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg.generic chains, multi-use producers too";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops` with one difference: a producer
    with several users is also fused into an all-parallel consumer (of rank
    > 0) when its other users come after that consumer and its body is
    arithmetic only (no `math` op). Fused into each consumer in turn, such a
    producer is recomputed in each loop nest instead of stored once, as
    XLA's loop fusion duplicates cheap producers.
    ```mlir
    %a = linalg.generic ... ins(%x, %b) { arith.addf }       // x + b
    %r = linalg.generic ... ins(%a) { arith.maximumf }       // relu(x + b)
    %m = linalg.generic ... ins(%a, %g) { arith.cmpf ... }   // g * (x + b > 0)
    // becomes
    %r = linalg.generic ... ins(%x, %b) { arith.addf, arith.maximumf }
    %m = linalg.generic ... ins(%x, %b, %g) { arith.addf, arith.cmpf ... }
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect"
  ];
}

def SfCpuTileAndVectorize : Pass<"sf-cpu-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile, fuse and vectorize tensor-level linalg for x86 CPUs";
  let description = [{
    The optimizing CPU schedule, applied to every linalg op of a function on
    tensors (before bufferization):

    0. `linalg.matmul` with a static right operand whose N is a multiple of
       the register tile's columns reads it packed as [N/cols][K][cols]
       (a `linalg.contract`): contiguous loads instead of one row per k.
    1. Thread level: each root op (consumers first) is tiled with
       `scf.forall` over its parallel dims, fusing single-use linalg
       producers (fills, elementwise ops) into the tile. Matmul-like ops get
       cache blocks (e.g. 192x512 on AVX2); other ops are split into at most
       256 tasks of at least 64K iterations. Small ops get no forall.
    2. Register level: contractions are blocked along K (256) and tiled to
       the register tile (rows x 2 vectors: 8x32 f32 on AVX-512, 6x16 on
       AVX2, K=1); convolutions and pooling the same on (OW, channels) with
       the window dims at 1, then decomposed to 1-D; reductions over the
       innermost dim are split (partial accumulators of 2 vectors per row,
       merged once); elementwise ops get 2 vectors along the innermost dim.
    3. Loops whose trip count may not divide are peeled: the main loop has
       full static tiles; what is still dynamic (the edge of a thread block,
       dynamic input shapes) is tiled by 1 so every vector shape is static.
       Ops the vectorizer rejects, and ops with i1 operands (bit-packed in
       vectors, a byte each in memory), stay scalar -- slower, still correct.
    4. Everything is vectorized, loop-invariant accumulators are hoisted into
       registers, contractions become outer-product FMAs and math functions
       (exp, tanh, log, ...) polynomial approximations.

    ```mlir
    %0 = linalg.matmul ins(%a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>)
                       outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
    // becomes (AVX2)
    scf.forall (%i, %j) = (0, 0) to (1024, 1024) step (192, 512) ... {
      scf.for %k0 = %c0 to %c1024 step %c256 ... {
        scf.for %m = ... step %c6 ... { scf.for %n = ... step %c16 ... {
          %acc = vector.transfer_read ... : vector<6x16xf32>
          scf.for %k = ... iter_args(%v = %acc) -> vector<6x16xf32> {
            ... vector.fma ...  // 6 rows of FMAs
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"avx2\"",
           "Vector ISA to generate for: avx512 or avx2">,
    Option<"libraryGemm", "library-gemm", "bool", /*default=*/"false",
           "Leave the matmuls that sf-cpu-gemm-to-call makes kernel calls "
           "untouched; each gets its own zero fill (a fresh buffer), which "
           "that pass folds into the call">,
    Option<"minWork", "min-work", "int64_t", /*default=*/"0",
           "Leave functions whose linalg ops (kernel matmuls aside) add up "
           "to fewer loop iterations than this as they are, to become "
           "scalar loops: cheaper to compile when they run only a few times "
           "(the first tier of a tiered compile)">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect", "::mlir::bufferization::BufferizationDialect"
  ];
}

def SfCpuParallelize : Pass<"sf-cpu-parallelize", "::mlir::func::FuncOp"> {
  let summary = "Make outermost scf.forall loops scf.parallel, nested ones sequential";
  let description = [{
    Runs on bufferized code, before `async-parallel-for`. Only the
    outermost `scf.forall` of a nest becomes `scf.parallel` (and so async
    tasks); any forall nested in a parallel loop becomes `scf.for`, because
    nested async parallel-for can deadlock a small worker pool. A nest
    whose estimated work (scalar operations, vector ops counting their
    lanes, static trip counts multiplied) is below `min-parallel-work`
    stays sequential too: waking threads would cost more than it saves.
    With `sequential=true` every forall becomes `scf.for` (one thread).
    ```mlir
    scf.forall (%i) in (4) { scf.forall (%j) in (8) { ... } }
    // becomes
    scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
      scf.for %j = %c0 to %c8 step %c1 { ... } }
    ```
  }];
  let options = [
    Option<"sequential", "sequential", "bool", /*default=*/"false",
           "Lower every forall to scf.for (no threads)">,
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"1 << 22",
           "Estimated scalar operations below which a loop nest stays on "
           "one thread (vector ops count their lanes)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def SfCpuGemmToCall : Pass<"sf-cpu-gemm-to-call", "ModuleOp"> {
  let summary = "Call the precompiled GEMM kernel for bufferized f32 matmuls";
  let description = [{
    Runs after bufferization. Every 2-D f32 `linalg.matmul` with at least
    32^3 multiply-adds (or a dynamic size) whose output rows are contiguous
    becomes a call of `sf_gemm_f32_<target>_<st|mt>` from libsf_kernels
    (compiled ahead of time from lib/Kernels/gemm.py; `mt`, on `threads`
    OpenMP threads, from libsf_kernels_omp when `threads` > 1), which
    computes C += A . B for any strides of A and B. Transposed
    operands (by the matmul's indexing maps) are passed as transposed views.
    `sf-cpu-tile-and-vectorize{library-gemm}` leaves these matmuls untiled.
    ```mlir
    linalg.matmul ins(%a, %b : memref<128x784xf32>, memref<784x256xf32>)
                  outs(%c : memref<128x256xf32>)
    // becomes
    %0 = memref.cast %a : memref<128x784xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
    ...
    call @sf_gemm_f32_avx2_mt(%0, %1, %2, %c2) : (...) -> ()
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"avx2\"",
           "Vector ISA of the kernel: avx512 or avx2">,
    Option<"threads", "threads", "int", /*default=*/"1",
           "Threads (> 1: the OpenMP kernel, with this many threads)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def SfScalarizeZeroD : Pass<"sf-scalarize-zero-d", "::mlir::func::FuncOp"> {
  let summary = "Carry 0-d tensors of loops and 0-d linalg ops as scalars";
  let description = [{
    Runs on tensor-level linalg. A loop counter or flag is a 0-d tensor in
    sf; bufferized, every iteration would allocate (and free) a buffer for
    each. So `scf.while` carries the 0-d values as scalars (and `scf.if`
    yields them as scalars)
    (`tensor.extract` in, `tensor.from_elements` out), and a linalg op with
    no loops becomes its body on scalars; canonicalization then folds the
    extract/from_elements pairs away.
    ```mlir
    %r = linalg.generic {indexing_maps = [affine_map<() -> ()>, ...],
        iterator_types = []} ins(%a : tensor<i32>) outs(%e : tensor<i32>) {...}
    // becomes
    %s = tensor.extract %a[] : tensor<i32>
    %n = arith.addi %s, %c1 : i32
    %r = tensor.from_elements %n : tensor<i32>
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def SfWidenBoolMemrefs : Pass<"sf-widen-bool-memrefs", "ModuleOp"> {
  let summary = "Store i1 buffers as i8 (this LLVM lowering aborts on i1 stores)";
  let description = [{
    Runs after bufferization. Every `memref<...xi1>` (allocations, views,
    globals, function arguments and results) becomes `memref<...xi8>`;
    loads truncate to i1 and stores zero-extend, so values stay i1 in
    registers and bools are one byte 0/1 in memory, as NumPy's.
    ```mlir
    memref.store %b, %m[%i] : memref<?xi1>
    // becomes
    %w = arith.extui %b : i1 to i8
    memref.store %w, %m[%i] : memref<?xi8>
    ```
    Vector loads/stores/transfers of i1 buffers are widened the same way;
    ops it cannot retype (e.g. vector gathers) make it fail with a
    diagnostic instead of reaching the aborting lowering.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def SfPrepareFastISel : Pass<"sf-prepare-fast-isel", "::mlir::LLVM::LLVMFuncOp"> {
  let summary = "Shape LLVM-dialect code for LLVM's fast instruction selector";
  let description = [{
    At opt level 0 LLVM selects instructions with FastISel, which does not
    handle `insertvalue`, nor `uitofp` from i1: from the last such
    instruction up, a block goes through the SelectionDAG selector, about
    3x slower. The memref lowering builds a descriptor struct for every
    buffer and reads its fields back, so that was most blocks. This pass
    (one walk, far cheaper than canonicalize):
    - forwards each `llvm.extractvalue` from the insert that wrote the field
      (the op's folder) and erases the inserts nothing reads;
    - moves the insert chains still needed (a returned struct) into the
      block that uses them;
    - makes `uitofp i1 -> f` a `zext` to i32 and a `sitofp`.
    ```mlir
    %d1 = llvm.insertvalue %p, %d0[1] : !llvm.struct<(ptr, ptr, i64)>
    %q = llvm.extractvalue %d1[1] : !llvm.struct<(ptr, ptr, i64)>
    // %q is %p; %d1 goes if nothing else reads it
    ```
    The first tier of a tiered compile runs it before code generation.
  }];
}

#endif // SF_PASSES_TD
