//===- PromoteVariables.cpp - variable arguments -> values ----------------===//
//
// A `!sf.variable` argument is a buffer the code reads and writes in place,
// so every read must copy it (a later assign must not change the value)
// and every assign copies into it. When a function touches a variable only
// in its body's top-level block, program order alone says which value each
// read sees: the argument becomes a read-only tensor, reads become that
// value or the last assigned one, and the final value of every written
// variable is returned as an extra result (the caller rebinds the variable
// to it). Bufferization then sees plain values: no copies, fusion across
// reads and updates. As JAX and XLA treat state: functional updates.
//
//===----------------------------------------------------------------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

namespace mlir::sf {
#define GEN_PASS_DEF_SFPROMOTEVARIABLES
#include "strataflow/SfPasses.h.inc"
} // namespace mlir::sf

using namespace mlir;
using namespace mlir::sf;

namespace {
bool isStateOp(Operation *op) {
  return isa<ReadOp, AssignOp, AssignAddOp, AssignSubOp>(op);
}

/// Whether every use of the variable arguments is a read or an assign in
/// the body's top-level block (nested regions would need their values
/// threaded through region results).
bool promotable(func::FuncOp func, ArrayRef<BlockArgument> variables) {
  Block &body = func.getBody().front();
  return llvm::all_of(variables, [&](BlockArgument arg) {
    return llvm::all_of(arg.getUsers(), [&](Operation *user) {
      return isStateOp(user) && user->getBlock() == &body;
    });
  });
}

/// Rewrites `func`; the written variables' argument numbers, in order.
SmallVector<int64_t> promote(func::FuncOp func,
                             ArrayRef<BlockArgument> variables) {
  Block &body = func.getBody().front();
  // Retyped first, so that the sf.add/sf.sub built below infer tensors (the
  // state ops still using them are erased on the way).
  DenseMap<Value, Value> current;
  for (BlockArgument arg : variables) {
    arg.setType(cast<VariableType>(arg.getType()).getValueType());
    current[arg] = arg;
  }
  llvm::SmallSetVector<BlockArgument, 8> written;
  OpBuilder b(func.getContext());
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (!isStateOp(&op))
      continue;
    auto variable = cast<BlockArgument>(op.getOperand(0));
    b.setInsertionPoint(&op);
    Value value = op.getNumOperands() > 1 ? op.getOperand(1) : Value();
    if (auto read = dyn_cast<ReadOp>(op))
      read.getResult().replaceAllUsesWith(current[variable]);
    else if (isa<AssignOp>(op))
      current[variable] = value;
    else if (isa<AssignAddOp>(op))
      current[variable] = AddOp::create(b, op.getLoc(), current[variable], value);
    else
      current[variable] = SubOp::create(b, op.getLoc(), current[variable], value);
    if (!isa<ReadOp>(op))
      written.insert(variable);
    op.erase();
  }

  SmallVector<int64_t> numbers;
  SmallVector<Value> finals;
  for (BlockArgument arg : variables)
    if (written.contains(arg)) {
      numbers.push_back(arg.getArgNumber());
      finals.push_back(current[arg]);
    }
  SmallVector<Type> resultTypes(func.getResultTypes());
  for (Value v : finals)
    resultTypes.push_back(v.getType());
  func.walk([&](func::ReturnOp ret) {
    SmallVector<Value> operands(ret.getOperands());
    operands.append(finals.begin(), finals.end());
    ret->setOperands(operands);
  });
  func.setType(FunctionType::get(func.getContext(), body.getArgumentTypes(),
                                 resultTypes));
  return numbers;
}

struct SfPromoteVariablesPass
    : public sf::impl::SfPromoteVariablesBase<SfPromoteVariablesPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isDeclaration())
        continue;
      SmallVector<BlockArgument> variables;
      for (BlockArgument arg : func.getArguments())
        if (isa<VariableType>(arg.getType()))
          variables.push_back(arg);
      // One return: the final values are those at the end of the block.
      if (variables.empty() || !promotable(func, variables) ||
          !func.getBody().hasOneBlock())
        continue;
      SmallVector<int64_t> written = promote(func, variables);
      func->setAttr("sf.returns_variables",
                    DenseI64ArrayAttr::get(func.getContext(), written));
    }
  }
};
} // namespace
