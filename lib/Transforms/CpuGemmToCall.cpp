//===- CpuGemmToCall.cpp - matmuls as calls of the precompiled kernel -----===//
//
// A bufferized f32 linalg.matmul becomes a call of libsf_kernels'
// `sf_gemm_f32_<target>_<st|mt>(A, B, C, threads, beta)` (C = A . B +
// beta C). A zero fill of C right before the matmul (each kernel matmul
// gets its own, see sf-cpu-tile-and-vectorize) folds into beta = 0: C is
// written once instead of zeroed, read and written. Transposed operands
// become transposed views: the kernel packs any layout.
//
//===----------------------------------------------------------------------===//
#include "strataflow/CpuKernels.h"
#include "strataflow/SfPasses.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFCPUGEMMTOCALL
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;

namespace {
constexpr int64_t kMinKernelWork = 32 * 32 * 32;

/// The matmul dims (m, n, k) are d0, d1, d2; true if `map` reads (b, a)
/// rather than (a, b), nullopt if it is neither.
std::optional<bool> transposedOf(AffineMap map, unsigned a, unsigned b) {
  if (map.getNumResults() != 2 || map.getNumDims() != 3)
    return std::nullopt;
  if (map.getDimPosition(0) == a && map.getDimPosition(1) == b)
    return false;
  if (map.getDimPosition(0) == b && map.getDimPosition(1) == a)
    return true;
  return std::nullopt;
}

/// The zero fill of `c` before `op` with nothing but allocations and ops
/// without memory effects in between, if there is one.
linalg::FillOp zeroFillBefore(Operation *op, Value c) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      bool zeroesC = fill.hasPureBufferSemantics() &&
                     fill.getDpsInitOperand(0)->get() == c &&
                     matchPattern(fill.getDpsInputOperand(0)->get(),
                                  m_AnyZeroFloat());
      return zeroesC ? fill : linalg::FillOp();
    }
    if (!isMemoryEffectFree(prev) && !isa<memref::AllocOp>(prev))
      return {};
  }
  return {};
}

bool isF32Rank2(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped && shaped.getRank() == 2 && shaped.getElementType().isF32();
}

bool hasContiguousRows(Value buffer) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(cast<MemRefType>(buffer.getType())
                       .getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

MemRefType anyStrides(MLIRContext *ctx, int64_t innerStride) {
  int64_t dyn = ShapedType::kDynamic;
  return MemRefType::get({dyn, dyn}, Float32Type::get(ctx),
                         StridedLayoutAttr::get(ctx, dyn, {dyn, innerStride}));
}

/// `value` as the kernel's operand type, transposed first if `transpose`.
Value asKernelOperand(OpBuilder &b, Location loc, Value value, bool transpose,
                      int64_t innerStride) {
  if (transpose) {
    AffineMap swap = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0},
                                                  b.getContext());
    value = memref::TransposeOp::create(b, loc, value, AffineMapAttr::get(swap));
  }
  return memref::CastOp::create(b, loc, anyStrides(b.getContext(), innerStride),
                                value);
}

struct SfCpuGemmToCallPass
    : public sf::impl::SfCpuGemmToCallBase<SfCpuGemmToCallPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (target != "avx2" && target != "avx512") {
      module.emitError() << "sf-cpu-gemm-to-call: unknown target '" << target
                         << "' (expected avx512 or avx2)";
      return signalPassFailure();
    }
    // The kernel stores rows of C as vectors: C's rows must be contiguous
    // (other matmuls become loops: slower, still correct).
    SmallVector<linalg::MatmulOp> gemms;
    module.walk([&](linalg::MatmulOp op) {
      if (op.hasPureBufferSemantics() && sf::isKernelGemm(op) &&
          hasContiguousRows(op.getDpsInitOperand(0)->get()))
        gemms.push_back(op);
    });
    if (gemms.empty())
      return;
    MLIRContext *ctx = module.getContext();
    std::string name = "sf_gemm_f32_" + target + (threads > 1 ? "_mt" : "_st");
    auto type = FunctionType::get(
        ctx, {anyStrides(ctx, ShapedType::kDynamic),
              anyStrides(ctx, ShapedType::kDynamic), anyStrides(ctx, 1),
              IndexType::get(ctx), IndexType::get(ctx)},
        {});
    if (!module.lookupSymbol<func::FuncOp>(name)) {
      OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
      func::FuncOp decl =
          func::FuncOp::create(b, module.getLoc(), name, type);
      decl.setPrivate();
    }
    for (linalg::MatmulOp op : gemms) {
      Value c = op.getDpsInitOperand(0)->get();
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value a = asKernelOperand(b, loc, op.getDpsInputOperand(0)->get(),
                                *transposedOf(maps[0], 0, 2),
                                ShapedType::kDynamic);
      Value bm = asKernelOperand(b, loc, op.getDpsInputOperand(1)->get(),
                                 *transposedOf(maps[1], 2, 1),
                                 ShapedType::kDynamic);
      Value cm = asKernelOperand(b, loc, c, false, 1);
      Value team = arith::ConstantIndexOp::create(b, loc, std::max<int>(threads, 1));
      linalg::FillOp fill = zeroFillBefore(op, c);
      Value beta = arith::ConstantIndexOp::create(b, loc, fill ? 0 : 1);
      func::CallOp::create(b, loc, name, TypeRange{},
                           ValueRange{a, bm, cm, team, beta});
      op.erase();
      if (fill)
        fill.erase();
    }
  }
};
} // namespace

bool sf::isKernelGemm(linalg::LinalgOp op) {
  if (!isa<linalg::MatmulOp>(op) || op->getNumOperands() != 3 ||
      !llvm::all_of(op->getOperands(), isF32Rank2))
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!transposedOf(maps[0], 0, 2) || !transposedOf(maps[1], 2, 1) ||
      transposedOf(maps[2], 0, 1) != std::optional<bool>(false))
    return false;
  int64_t work = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return true;
    work *= range;
  }
  return work >= kMinKernelWork;
}
