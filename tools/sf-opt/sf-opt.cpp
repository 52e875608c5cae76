//===- sf-opt.cpp - mlir-opt with the sf dialect and passes ---------------===//
#include "strataflow/SfDialect.h"
#include "strataflow/SfPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::sf::registerSfPassesAndPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::sf::SfDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "strataflow optimizer driver\n", registry));
}
