//===- Reduction.cpp ----------------------------------------------------------===//
#include "Common.h"
#include "strataflow/SfDialect.h"
#include "strataflow/SfToLinalg.h"

using namespace mlir;
using namespace mlir::sf;

void sf::populateReductionToLinalgPatterns(TypeConverter &converter,
                                  RewritePatternSet &patterns) {}
