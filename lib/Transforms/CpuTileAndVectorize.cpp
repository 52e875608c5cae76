//===- CpuTileAndVectorize.cpp - the optimizing CPU schedule -------------===//
//
// Tensor-level linalg -> scf.forall (threads) -> register tiles -> peeled
// loops -> vectors -> FMAs. What each op kind gets (tile sizes) is decided in
// `makeSchedule`; the rest is mechanics shared by all kinds. The schedule is
// described in dialects/SfPasses.td.
//
//===----------------------------------------------------------------------===//
#include "strataflow/CpuKernels.h"
#include "strataflow/SfPasses.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include <limits>

namespace mlir::sf {
#define GEN_PASS_DEF_SFCPUTILEANDVECTORIZE
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {

/// Loops created by register tiling carry this until they are peeled.
constexpr StringLiteral kPeelMarker = "sf.peel";
/// Extent assumed for a dynamic dim when choosing tile sizes.
constexpr int64_t kUnknownExtent = 1024;
/// Iterations (multiply-adds, elements) that make one async task worth it.
constexpr int64_t kMinTaskWork = 1 << 16;
constexpr int64_t kMaxTasks = 256;
/// Thread blocks a contraction is split into at least (when big enough):
/// a few per core, so that uneven blocks still balance.
constexpr int64_t kMinContractionBlocks = 8;
/// Contraction K block: keeps a K x N panel of the right operand in L2.
constexpr int64_t kKBlock = 256;
/// Largest iteration space handed to the vectorizer (a register tile is
/// far smaller; anything bigger means tiling did not happen).
constexpr int64_t kMaxVectorizedIterations = 4096;

/// The vector ISA: register width and the rows of the matmul register tile
/// (rows x 2 vectors of accumulators, leaving registers for operands).
struct CpuTarget {
  int64_t vectorBits;
  int64_t tileRows;
  int64_t lanes(int64_t elementBits) const {
    return vectorBits / std::max<int64_t>(elementBits, 8);
  }
};

enum class OpKind { Contraction, Windowed, Reduction, Elementwise };

/// Tile sizes of one op, one per loop (0 = not tiled).
struct Schedule {
  OpKind kind;
  SmallVector<int64_t> ranges; // static extents, kUnknownExtent if dynamic
  SmallVector<int64_t> threadTile;   // parallel dims; empty = no forall
  SmallVector<int64_t> registerTile;
  std::optional<unsigned> kBlockDim; // contraction dim blocked by kKBlock
  std::optional<unsigned> splitDim;  // reduction dim split into accumulators
  int64_t splitTile = 0;
};

int64_t widestElementBits(linalg::LinalgOp op) {
  int64_t bits = 0;
  for (Value v : op->getOperands()) {
    Type t = getElementTypeOrSelf(v.getType());
    if (t.isIntOrFloat())
      bits = std::max<int64_t>(bits, t.getIntOrFloatBitWidth());
  }
  return bits ? bits : 32;
}

OpKind classify(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return OpKind::Elementwise;
  if (linalg::isaContractionOpInterface(op)) {
    // matvec/vecmat have no second parallel dim for an outer product: they
    // are reductions of rows, vectorized like one.
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (succeeded(dims) && !dims->m.empty() && !dims->n.empty())
      return OpKind::Contraction;
    return OpKind::Reduction;
  }
  if (linalg::isaConvolutionOpInterface(op))
    return OpKind::Windowed;
  return OpKind::Reduction;
}

int64_t roundUp(int64_t x, int64_t multiple) {
  return llvm::divideCeil(x, multiple) * multiple;
}

/// Splits the outermost parallel dims into about `wantTasks` blocks that are
/// multiples of the register tile, leaving inner dims whole.
SmallVector<int64_t> blockForTasks(const Schedule &s,
                                   ArrayRef<bool> isReduction,
                                   int64_t wantTasks) {
  SmallVector<int64_t> tile(s.ranges.size(), 0);
  int64_t tasks = 1;
  for (auto [d, range] : llvm::enumerate(s.ranges)) {
    if (isReduction[d] || tasks >= wantTasks)
      continue;
    int64_t step = s.registerTile[d] ? s.registerTile[d] : range;
    int64_t blocks = llvm::divideCeil(range, step);
    if (blocks == 1)
      continue;
    if (tasks * blocks <= wantTasks) {
      tile[d] = step;
      tasks *= blocks;
      continue;
    }
    tile[d] = roundUp(llvm::divideCeil(range, wantTasks / tasks), step);
    tasks *= llvm::divideCeil(range, tile[d]);
  }
  return tile;
}

Schedule makeSchedule(linalg::LinalgOp op, const CpuTarget &target) {
  Schedule s;
  s.kind = classify(op);
  unsigned numLoops = op.getNumLoops();
  int64_t work = 1;
  for (int64_t r : op.getStaticLoopRanges()) {
    s.ranges.push_back(ShapedType::isDynamic(r) ? kUnknownExtent : r);
    work = std::min<int64_t>(work * std::max<int64_t>(s.ranges.back(), 1),
                             int64_t(1) << 40);
  }
  SmallVector<bool> isReduction;
  for (utils::IteratorType it : op.getIteratorTypesArray())
    isReduction.push_back(it == utils::IteratorType::reduction);
  int64_t lanes = target.lanes(widestElementBits(op));
  int64_t cols = 2 * lanes;
  s.registerTile.assign(numLoops, 1);
  int64_t innermost = numLoops ? numLoops - 1 : 0;

  switch (s.kind) {
  case OpKind::Contraction: {
    linalg::ContractionDimensions dims = *linalg::inferContractionDims(op);
    s.registerTile[dims.m.back()] = target.tileRows;
    s.registerTile[dims.n.back()] = cols;
    if (!dims.k.empty() && s.ranges[dims.k.back()] > kKBlock)
      s.kBlockDim = dims.k.back();
    break;
  }
  case OpKind::Windowed: {
    linalg::ConvolutionDimensions dims = *linalg::inferConvolutionDims(op);
    // Rows of the register tile along the output width, vectors along the
    // innermost other parallel dim (channels in NHWC); window dims are 1
    // (the op decomposes to a 1-D convolution, and a whole window row would
    // keep more inputs live than there are registers).
    std::optional<unsigned> rowDim;
    if (!dims.outputImage.empty())
      rowDim = dims.outputImage.back();
    for (int64_t d = innermost; d >= 0; --d)
      if (!isReduction[d] && d != rowDim) {
        s.registerTile[d] = cols;
        break;
      }
    if (rowDim)
      s.registerTile[*rowDim] = target.tileRows;
    break;
  }
  case OpKind::Reduction:
    if (numLoops && isReduction[innermost]) {
      // Partial sums along the innermost reduction dim: `cols` accumulators
      // per row for 4 rows, reduced across lanes once at the end.
      s.registerTile[innermost] = 0;
      for (int64_t d = innermost; d >= 0; --d)
        if (!isReduction[d]) {
          s.registerTile[d] = 4;
          break;
        }
      s.splitDim = innermost;
      s.splitTile = cols;
    } else if (numLoops) {
      s.registerTile[innermost] = cols;
    }
    break;
  case OpKind::Elementwise:
    if (numLoops)
      s.registerTile[innermost] = 2 * cols;
    break;
  }
  // A tile covering a whole static dim is no tiling at all.
  for (auto [d, range] : llvm::enumerate(s.ranges))
    if (s.registerTile[d] >= range && !ShapedType::isDynamic(
                                          op.getStaticLoopRanges()[d]))
      s.registerTile[d] = 0;
  if (s.splitDim && s.splitTile >= s.ranges[*s.splitDim])
    s.splitDim.reset();

  int64_t wantTasks = std::clamp<int64_t>(work / kMinTaskWork, 1, kMaxTasks);
  if (wantTasks < 2)
    return s;
  if (s.kind == OpKind::Contraction) {
    // Cache blocks: rows x 32 of the register tile by a B panel that fits L2
    // next to the A block (256 x 512 f32 on AVX-512, 256 x 256 on AVX2).
    linalg::ContractionDimensions dims = *linalg::inferContractionDims(op);
    s.threadTile.assign(numLoops, 0);
    for (unsigned d : dims.batch)
      s.threadTile[d] = 1;
    for (unsigned d : llvm::concat<unsigned>(dims.m, dims.n))
      s.threadTile[d] = 1;
    // Spread each block size over the dims from the innermost out (a packed
    // matmul splits N into N/cols x cols).
    auto spread = [&](ArrayRef<unsigned> group, int64_t block) {
      for (unsigned d : llvm::reverse(group)) {
        s.threadTile[d] = std::max<int64_t>(std::min(s.ranges[d], block), 1);
        block = std::max<int64_t>(block / std::max<int64_t>(s.ranges[d], 1), 1);
      }
    };
    spread(dims.m, target.tileRows * 32);
    spread(dims.n, cols * 16);
    // Cache blocks alone leave mid-size matmuls (128x784x256, an MLP layer)
    // in one block on one core: halve the larger block dim (in whole
    // register tiles) until every worker has a few blocks.
    auto blocks = [&] {
      int64_t b = 1;
      for (unsigned d : llvm::concat<unsigned>(dims.batch, dims.m, dims.n))
        b *= llvm::divideCeil(s.ranges[d], s.threadTile[d]);
      return b;
    };
    // (A packed matmul's N is (N/cols, cols): split the outer one.)
    unsigned m = dims.m.back(), n = dims.n.front();
    int64_t nGrain = dims.n.size() > 1 ? 1 : cols;
    while (blocks() < std::min(wantTasks, kMinContractionBlocks)) {
      int64_t halfM = roundUp(llvm::divideCeil(s.threadTile[m], 2), target.tileRows);
      int64_t halfN = roundUp(llvm::divideCeil(s.threadTile[n], 2), nGrain);
      bool canM = halfM < s.threadTile[m], canN = halfN < s.threadTile[n];
      if (canM && (!canN || s.threadTile[m] >= s.threadTile[n]))
        s.threadTile[m] = halfM;
      else if (canN)
        s.threadTile[n] = halfN;
      else
        break;
    }
  } else {
    s.threadTile = blockForTasks(s, isReduction, wantTasks);
  }
  for (auto [d, range] : llvm::enumerate(s.ranges))
    if (s.threadTile[d] >= range &&
        !ShapedType::isDynamic(op.getStaticLoopRanges()[d]))
      s.threadTile[d] = 0;
  if (llvm::all_of(s.threadTile, [](int64_t t) { return t == 0; }))
    s.threadTile.clear();
  return s;
}

//===----------------------------------------------------------------------===//
// Right-hand-side packing of matmuls
//===----------------------------------------------------------------------===//

/// Marks the op that packs a matmul's right operand: it is not fused into the
/// matmul's thread blocks (that would repack B once per block of rows).
constexpr StringLiteral kPackMarker = "sf.packed_rhs";

/// Rewrites C[m,n] += A[m,k] * B[k,n] (linalg.matmul, static B and C, N a
/// multiple of `cols`) to read B packed as Bp[N/cols][K][cols]. The register
/// tile then reads `cols` contiguous elements per k instead of one row of B
/// per k: rows a power-of-two apart map to the same cache sets and TLB pages,
/// which otherwise throttles the FMAs to a quarter of their rate.
///
///   %b3 = tensor.expand_shape %b [[0], [1, 2]]      : KxN -> Kx(N/c)xc
///   %bp = linalg.generic {transpose d0<->d1} %b3    :    -> (N/c)xKxc
///   %c3 = tensor.expand_shape %c [[0], [1, 2]]      : MxN -> Mx(N/c)xc
///   %r3 = linalg.contract (m, no, ni, k) A[m,k] Bp[no,k,ni] C3[m,no,ni]
///   %r  = tensor.collapse_shape %r3 [[0], [1, 2]]
void packMatmulRhs(RewriterBase &rewriter, linalg::MatmulOp op,
                   int64_t cols) {
  MLIRContext *ctx = op.getContext();
  if (!op.hasPureTensorSemantics() ||
      op.getIndexingMapsArray() != linalg::MatmulOp::getDefaultIndexingMaps(ctx))
    return;
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  auto bType = cast<RankedTensorType>(b.getType());
  auto cType = cast<RankedTensorType>(c.getType());
  if (!bType.hasStaticShape() || !cType.hasStaticShape() ||
      getElementTypeOrSelf(a.getType()) != bType.getElementType() ||
      bType.getElementType() != cType.getElementType())
    return;
  int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
  int64_t m = cType.getDimSize(0);
  if (n % cols != 0 || n / cols < 2 || k < 16)
    return;

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<ReassociationIndices> splitLast = {{0}, {1, 2}};
  auto b3 = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get({k, n / cols, cols}, bType.getElementType()),
      b, splitLast);
  Value packedInit = tensor::EmptyOp::create(rewriter, loc,
                                             ArrayRef<int64_t>{n / cols, k, cols},
                                             bType.getElementType());
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  auto par = utils::IteratorType::parallel;
  auto packed = linalg::GenericOp::create(
      rewriter, loc, packedInit.getType(), ValueRange{b3}, ValueRange{packedInit},
      ArrayRef<AffineMap>{AffineMap::get(3, 0, {d1, d0, d2}, ctx),
                          AffineMap::getMultiDimIdentityMap(3, ctx)},
      ArrayRef<utils::IteratorType>{par, par, par},
      [](OpBuilder &builder, Location l, ValueRange args) {
        linalg::YieldOp::create(builder, l, args[0]);
      });
  packed->setAttr(kPackMarker, rewriter.getUnitAttr());

  auto c3Type = RankedTensorType::get({m, n / cols, cols}, cType.getElementType());
  auto c3 = tensor::ExpandShapeOp::create(rewriter, loc, c3Type, c, splitLast);
  // linalg.contract (not a generic) so that it vectorizes to vector.contract.
  auto matmul = linalg::ContractOp::create(
      rewriter, loc, TypeRange{c3Type}, ValueRange{a, packed.getResult(0)},
      ValueRange{c3},
      rewriter.getAffineMapArrayAttr({AffineMap::get(4, 0, {d0, d3}, ctx),
                                      AffineMap::get(4, 0, {d1, d3, d2}, ctx),
                                      AffineMap::get(4, 0, {d0, d1, d2}, ctx)}));
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
      op, cType, matmul.getResult(0), splitLast);
}

//===----------------------------------------------------------------------===//
// Mechanics
//===----------------------------------------------------------------------===//

/// Tiles `op` into an scf.forall and fuses its single-use elementwise
/// producers (fills, fused elementwise generics) and pads into the tile. A
/// fused pad pads just the block's input window, in cache, on the block's
/// thread, instead of a padded copy of the whole input made up front.
void tileForThreads(RewriterBase &rewriter, linalg::LinalgOp op,
                    ArrayRef<int64_t> tile) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(op->getContext(), tile))
      .setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  // Until fusion is done the untiled consumer still uses the producer too,
  // and the loop takes an output's producer as its shared output.
  auto usedOnlyHere = [&](tensor::ExtractSliceOp slice, OpResult producer) {
    auto loop = slice->getParentOfType<scf::ForallOp>();
    return llvm::all_of(producer.getUsers(), [&](Operation *user) {
      return user == op.getOperation() || user == loop.getOperation() ||
             user->getParentOfType<scf::ForallOp>() == loop;
    });
  };
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp slice, OpResult producer, bool)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!usedOnlyHere(slice, producer))
          return std::nullopt;
        if (isa<tensor::PadOp>(producer.getOwner()))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        auto linalgOp = dyn_cast<linalg::LinalgOp>(producer.getOwner());
        if (!linalgOp || linalgOp.getNumReductionLoops() != 0 ||
            linalgOp->hasAttr(kPackMarker))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(result))
    return; // left to the register level: single-threaded but correct
  for (OpResult r : op->getResults())
    rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
  rewriter.eraseOp(op);
}

/// Tiles `op` with scf.for loops (marked for peeling if `peel`); returns the
/// tiled op, or `op` itself when every size is 0.
Operation *tileWithLoops(RewriterBase &rewriter, Operation *op,
                         ArrayRef<int64_t> tile, bool peel = true,
                         std::optional<unsigned> partialReductionDim = {}) {
  if (llvm::all_of(tile, [](int64_t t) { return t == 0; }))
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), tile));
  if (partialReductionDim)
    options
        .setReductionTilingStrategy(
            ReductionTilingStrategy::PartialReductionOuterReduction)
        .setReductionDims({*partialReductionDim});
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(result) || result->tiledOps.size() != 1)
    return op;
  rewriter.replaceOp(op, result->replacements);
  if (peel)
    for (LoopLikeOpInterface loop : result->loops)
      loop->setAttr(kPeelMarker, rewriter.getUnitAttr());
  return result->tiledOps.front();
}

void tileForRegisters(RewriterBase &rewriter, linalg::LinalgOp op,
                      const Schedule &s) {
  Operation *current = op;
  unsigned numLoops = s.ranges.size();
  if (s.kBlockDim) {
    SmallVector<int64_t> kTile(numLoops, 0);
    kTile[*s.kBlockDim] = kKBlock;
    current = tileWithLoops(rewriter, current, kTile);
  }
  current = tileWithLoops(rewriter, current, s.registerTile);
  if (s.splitDim) {
    SmallVector<int64_t> split(numLoops, 0);
    split[*s.splitDim] = s.splitTile;
    tileWithLoops(rewriter, current, split, /*peel=*/true, s.splitDim);
  }
}

/// Peels every marked loop (outer ones first, so remainder copies of inner
/// loops get peeled too): main loops then run whole tiles with static
/// shapes, one remainder iteration handles the rest.
void peelMarkedLoops(RewriterBase &rewriter, func::FuncOp func) {
  while (true) {
    scf::ForOp next;
    func.walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
      if (!loop->hasAttr(kPeelMarker))
        return WalkResult::advance();
      next = loop;
      return WalkResult::interrupt();
    });
    if (!next)
      return;
    next->removeAttr(kPeelMarker);
    scf::ForOp remainder;
    rewriter.setInsertionPoint(next);
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, next, remainder);
  }
}

/// An op whose iteration space has a zero-size dim computes nothing: its
/// results are its inits. (Tiling such an op trips an assertion upstream.)
constexpr StringLiteral kKernelFillMarker = "sf.kernel_fill";

/// Gives a kernel matmul whose output starts as zeros a zero fill of its own
/// fresh buffer, right before it, which sf-cpu-gemm-to-call folds into the
/// call (beta = 0). Shared fills (CSE merges equal ones; alloc_tensor is
/// never merged) would bufferize to one zeroed buffer copied into each
/// output.
void ownZeroFill(RewriterBase &rewriter, linalg::MatmulOp op) {
  OpOperand *init = op.getDpsInitOperand(0);
  auto fill = init->get().getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getDpsInputOperand(0)->get(), m_AnyZeroFloat()))
    return;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto type = cast<RankedTensorType>(init->get().getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, init->get(), i));
  Value buffer = bufferization::AllocTensorOp::create(rewriter, loc, type, sizes);
  auto own = linalg::FillOp::create(rewriter, loc,
                                    fill.getDpsInputOperand(0)->get(), buffer);
  own->setAttr(kKernelFillMarker, rewriter.getUnitAttr());
  rewriter.modifyOpInPlace(op, [&] { init->set(own.getResult(0)); });
}

void dropEmptyOps(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<linalg::LinalgOp> empty;
  func.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() &&
        llvm::is_contained(op.getStaticLoopRanges(), 0))
      empty.push_back(op);
  });
  for (linalg::LinalgOp op : empty)
    rewriter.replaceOp(op, op.getDpsInits());
}

/// Tiles the dims of `op` that are still dynamic (partial tiles at the
/// edge of a thread block, dynamic input shapes) by 1, so every op handed to
/// the vectorizer is static. (Masked vectors would avoid the unit loops, but
/// masked transfers do not survive bufferization + canonicalization in this
/// MLIR: a constant lands inside `vector.mask`.)
Operation *staticizeDynamicDims(RewriterBase &rewriter, linalg::LinalgOp op) {
  SmallVector<int64_t> tile;
  for (int64_t range : op.getStaticLoopRanges())
    tile.push_back(ShapedType::isDynamic(range) ? 1 : 0);
  return tileWithLoops(rewriter, op, tile, /*peel=*/false);
}

/// In memory an i1 is a byte (NumPy's bool), in a vector a bit: a vector
/// transfer of i1 elements would pack bits. Such ops stay scalar.
bool hasSubByteOperand(linalg::LinalgOp op) {
  return llvm::any_of(op->getOperands(), [](Value v) {
    Type t = getElementTypeOrSelf(v.getType());
    return t.isIntOrFloat() && t.getIntOrFloatBitWidth() < 8;
  });
}

/// Vectorizes every linalg op whose iteration space is register-sized. An op
/// the vectorizer rejects stays a linalg op and becomes scalar loops after
/// bufferization: slower, never wrong.
void vectorizeAll(RewriterBase &rewriter, func::FuncOp func,
                  function_ref<bool(linalg::LinalgOp)> isKernelOp) {
  SmallVector<linalg::LinalgOp> ops;
  func.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
  for (linalg::LinalgOp op : ops) {
    // A 0-d op has nothing to vectorize (and its tensor.extract would become
    // an invalid 0-d vector.gather).
    if (!op.hasPureTensorSemantics() || op->hasAttr(kPackMarker) ||
        hasSubByteOperand(op) || op.getNumLoops() == 0 || isKernelOp(op))
      continue;
    auto linalgOp = cast<linalg::LinalgOp>(staticizeDynamicDims(rewriter, op));
    int64_t iterations = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges())
      iterations *= ShapedType::isDynamic(range) ? kMaxVectorizedIterations + 1
                                                 : std::max<int64_t>(range, 1);
    if (iterations > kMaxVectorizedIterations)
      continue;
    rewriter.setInsertionPoint(linalgOp);
    // Contractions straight to vector.contract (-> outer-product FMAs):
    // the generic path would fold the unit K dim into a mul and an add.
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, linalgOp, /*inputVectorSizes=*/{},
        /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/false,
        /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (succeeded(result))
      rewriter.replaceOp(linalgOp, result->replacements);
  }
}

/// Moves loop-invariant code and read/write pairs of the same subset
/// (accumulator tiles) out of scf.for loops, innermost loops first so an
/// accumulator climbs out of a whole nest and lives in registers.
void hoistAccumulators(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); }); // post-order
  for (scf::ForOp loop : loops) {
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    hoistLoopInvariantSubsets(rewriter,
                              cast<LoopLikeOpInterface>(loop.getOperation()));
  }
}

/// Splits each loop-carried n-D vector (a register tile's accumulators,
/// vector<6x1x16xf32>) into its 1-D rows. The loop body and the code after
/// the loop see the n-D value rebuilt by inserts, which canonicalization
/// folds away when every use is a row extract (as after the contraction
/// lowering). Otherwise the insert chains become `vector.from_elements` of
/// every scalar, which costs nothing at run time (LLVM cleans it up) but
/// blows up the LLVM module tenfold, and so the compile time.
struct SplitVectorIterArgs : public OpRewritePattern<scf::ForOp> {
  using OpRewritePattern::OpRewritePattern;

  static bool isSplit(Type t) {
    auto v = dyn_cast<VectorType>(t);
    return v && v.getRank() >= 2 && !v.isScalable();
  }

  /// Positions of the rows of `t`, in order.
  static SmallVector<SmallVector<int64_t>> rows(VectorType t) {
    ArrayRef<int64_t> leading = t.getShape().drop_back();
    SmallVector<SmallVector<int64_t>> result(1);
    for (int64_t extent : leading) {
      SmallVector<SmallVector<int64_t>> next;
      for (const SmallVector<int64_t> &prefix : result)
        for (int64_t i = 0; i < extent; ++i) {
          next.push_back(prefix);
          next.back().push_back(i);
        }
      result = std::move(next);
    }
    return result;
  }

  static SmallVector<Value> split(OpBuilder &b, Location loc, Value v) {
    SmallVector<Value> parts;
    for (const SmallVector<int64_t> &pos : rows(cast<VectorType>(v.getType())))
      parts.push_back(vector::ExtractOp::create(b, loc, v, pos));
    return parts;
  }

  static Value join(OpBuilder &b, Location loc, VectorType t, ValueRange parts) {
    Value v = arith::ConstantOp::create(b, loc, t, b.getZeroAttr(t));
    for (auto [part, pos] : llvm::zip(parts, rows(t)))
      v = vector::InsertOp::create(b, loc, part, v, pos);
    return v;
  }

  LogicalResult matchAndRewrite(scf::ForOp loop,
                                PatternRewriter &rewriter) const override {
    if (llvm::none_of(loop.getResultTypes(), isSplit))
      return failure();
    Location loc = loop.getLoc();
    SmallVector<Value> inits;
    for (Value init : loop.getInitArgs())
      llvm::append_range(inits, isSplit(init.getType())
                                    ? split(rewriter, loc, init)
                                    : SmallVector<Value>{init});
    auto newLoop =
        scf::ForOp::create(rewriter, loc, loop.getLowerBound(),
                           loop.getUpperBound(), loop.getStep(), inits);
    newLoop->setAttrs(loop->getAttrs());

    // Old values from new ones: each split value from its run of parts.
    auto regroup = [&](OpBuilder &b, TypeRange oldTypes, ValueRange flat) {
      SmallVector<Value> values;
      for (Type t : oldTypes) {
        if (!isSplit(t)) {
          values.push_back(flat.front());
          flat = flat.drop_front();
          continue;
        }
        size_t n = rows(cast<VectorType>(t)).size();
        values.push_back(join(b, loc, cast<VectorType>(t), flat.take_front(n)));
        flat = flat.drop_front(n);
      }
      return values;
    };
    Block *body = newLoop.getBody();
    rewriter.setInsertionPointToStart(body);
    SmallVector<Value> args = {newLoop.getInductionVar()};
    llvm::append_range(args, regroup(rewriter, loop.getResultTypes(),
                                     newLoop.getRegionIterArgs()));
    rewriter.mergeBlocks(loop.getBody(), body, args);

    auto yield = cast<scf::YieldOp>(body->getTerminator());
    rewriter.setInsertionPoint(yield);
    SmallVector<Value> yielded;
    for (Value v : yield.getOperands())
      llvm::append_range(yielded, isSplit(v.getType())
                                      ? split(rewriter, loc, v)
                                      : SmallVector<Value>{v});
    rewriter.replaceOpWithNewOp<scf::YieldOp>(yield, yielded);

    rewriter.setInsertionPointAfter(newLoop);
    rewriter.replaceOp(loop, regroup(rewriter, loop.getResultTypes(),
                                     newLoop.getResults()));
    return success();
  }
};

void addCanonicalizations(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}

/// Applies `populate`'s patterns plus canonicalization. Not converging within
/// the iteration limit leaves valid IR, so it is not an error.
void applyWithCanonicalization(
    Operation *root, llvm::function_ref<void(RewritePatternSet &)> populate) {
  RewritePatternSet patterns(root->getContext());
  populate(patterns);
  addCanonicalizations(patterns);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

struct SfCpuTileAndVectorizePass
    : public sf::impl::SfCpuTileAndVectorizeBase<SfCpuTileAndVectorizePass> {
  using Base::Base;

  /// The loop iterations of `func`'s linalg ops on tensors other than
  /// `skip`; saturates at INT64_MAX (also for dynamic sizes).
  static int64_t loopIterations(func::FuncOp func,
                                function_ref<bool(linalg::LinalgOp)> skip) {
    int64_t total = 0;
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || skip(op))
        return WalkResult::advance();
      int64_t n = 1;
      for (int64_t range : op.getStaticLoopRanges()) {
        if (ShapedType::isDynamic(range) || (range > 0 && n > kMax / range)) {
          total = kMax;
          return WalkResult::interrupt();
        }
        n *= range;
      }
      total = n > kMax - total ? kMax : total + n;
      return WalkResult::advance();
    });
    return total;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    CpuTarget cpu;
    if (target == "avx512")
      cpu = {512, 8};
    else if (target == "avx2")
      cpu = {256, 6};
    else {
      func.emitError() << "sf-cpu-tile-and-vectorize: unknown target '"
                       << target << "' (expected avx512 or avx2)";
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    dropEmptyOps(rewriter, func);
    if (libraryGemm)
      func.walk([&](linalg::MatmulOp op) {
        if (sf::isKernelGemm(op))
          ownZeroFill(rewriter, op);
      });
    // Ops that become calls of precompiled kernels after bufferization,
    // and the zero fills of their outputs, which fold into those calls.
    auto isKernelOp = [&](linalg::LinalgOp op) {
      return libraryGemm &&
             (sf::isKernelGemm(op) || op->hasAttr(kKernelFillMarker));
    };

    if (minWork > 0 && loopIterations(func, isKernelOp) < minWork)
      return;

    // 0. Matmuls read their right operand packed into register-tile columns.
    SmallVector<linalg::MatmulOp> matmuls;
    func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    for (linalg::MatmulOp op : matmuls) {
      Type element = getElementTypeOrSelf(op->getResult(0).getType());
      if (element.isIntOrFloat() && !isKernelOp(op))
        packMatmulRhs(rewriter, op,
                      2 * cpu.lanes(widestElementBits(op)));
    }

    // 1. Threads: roots outside any forall, consumers first so producers
    //    can still be fused into them.
    SmallVector<linalg::LinalgOp> roots;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !op->getParentOfType<scf::ForallOp>() &&
          !isKernelOp(op))
        roots.push_back(op);
    });
    for (linalg::LinalgOp op : llvm::reverse(roots)) {
      if (isOpTriviallyDead(op)) { // fused into a consumer already
        rewriter.eraseOp(op);
        continue;
      }
      Schedule s = makeSchedule(op, cpu);
      if (!s.threadTile.empty())
        tileForThreads(rewriter, op, s.threadTile);
    }

    // Pads as a fill plus an insert of the padded tensor: the fill is then
    // tiled and vectorized like any elementwise op (a pad bufferizes to a
    // scalar fill loop).
    if (func.walk([](tensor::PadOp) { return WalkResult::interrupt(); })
            .wasInterrupted())
      applyWithCanonicalization(func, [](RewritePatternSet &p) {
        linalg::populateDecomposePadPatterns(p);
      });

    // 2. Registers: every op, including the tiles made by step 1.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !isKernelOp(op))
        ops.push_back(op);
    });
    // The packing copy stays a scalar loop nest (LLVM vectorizes its
    // contiguous inner loop); vectorized, it would fold into slice copies
    // that bufferize to a runtime memref copy per vector.
    for (linalg::LinalgOp op : ops)
      if (!op->hasAttr(kPackMarker))
        tileForRegisters(rewriter, op, makeSchedule(op, cpu));

    // 3. Whole tiles get static shapes; single-iteration remainders fold.
    peelMarkedLoops(rewriter, func);
    applyWithCanonicalization(func, [](RewritePatternSet &p) {
      linalg::populateDecomposeConvolutionPatterns(p);
    });

    // 4. Vectors, subset folding and accumulators in registers. Hoisting
    //    tensor slices first lets windowed ops (whose output tile is sliced
    //    again by the 1-D decomposition) keep a plain tile as loop carry.
    hoistAccumulators(rewriter, func);
    vectorizeAll(rewriter, func, isKernelOp);
    applyWithCanonicalization(func, [](RewritePatternSet &p) {
      vector::populateVectorTransferPermutationMapLoweringPatterns(p);
      vector::populateSinkVectorOpsPatterns(p);
      tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(p);
    });
    hoistAccumulators(rewriter, func);

    // 5. Contractions as outer products (FMAs), reductions across lanes,
    //    math functions as vectorizable polynomials.
    applyWithCanonicalization(func, [](RewritePatternSet &p) {
      vector::populateVectorContractLoweringPatterns(
          p, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorMultiReductionLoweringPatterns(
          p, vector::VectorMultiReductionLowering::InnerParallel);
      vector::populateVectorTransferPermutationMapLoweringPatterns(p);
      // Gathers (reversed or computed indices) as element loads: the LLVM
      // lowering takes no gather from a strided buffer.
      vector::populateVectorGatherLoweringPatterns(p);
      vector::populateVectorGatherToConditionalLoadPatterns(p);
      // erf's approximation is not limited to f32 (it would lose f64
      // precision): erf stays a libm call. rsqrt's needs the x86vector
      // dialect, which the JIT cannot translate: it stays 1/sqrt.
      auto approximate = [](StringRef name) { // "math.exp", ...
        name.consume_front("math.");
        return name != "erf" && name != "erfc" && name != "rsqrt";
      };
      populateMathF32ExpansionPatterns(p, approximate);
      populateMathPolynomialApproximationPatterns(p, approximate);
    });

    // Accumulators as 1-D rows (see SplitVectorIterArgs).
    applyWithCanonicalization(func, [](RewritePatternSet &p) {
      p.add<SplitVectorIterArgs>(p.getContext());
    });

    // 6. Math ops left on n-D vectors (math-to-llvm only takes 1-D): rows,
    //    with the leading unit dims cast away. Without canonicalization: the
    //    unroll patterns for vector.from_elements ignore the native shape
    //    and would undo the canonical insert-chain folding forever.
    RewritePatternSet unrollPatterns(&getContext());
    vector::populateCastAwayVectorLeadingOneDimPatterns(unrollPatterns);
    vector::UnrollVectorOptions unroll;
    unroll.setNativeShapeFn(
        [](Operation *op) -> std::optional<SmallVector<int64_t>> {
          if (!isa<math::MathDialect>(op->getDialect()) ||
              op->getNumResults() != 1)
            return std::nullopt;
          auto type = dyn_cast<VectorType>(op->getResult(0).getType());
          if (!type || type.getRank() < 2)
            return std::nullopt;
          SmallVector<int64_t> row(type.getRank(), 1);
          row.back() = type.getShape().back();
          return row;
        });
    vector::populateVectorUnrollPatterns(unrollPatterns, unroll);
    (void)applyPatternsGreedily(func, std::move(unrollPatterns));
  }
};

} // namespace
