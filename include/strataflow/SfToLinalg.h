//===- SfToLinalg.h - sf -> linalg patterns, one set per op family -*- C++ -*-===//
#ifndef STRATAFLOW_SFTOLINALG_H
#define STRATAFLOW_SFTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::sf {

/// Each op family contributes its patterns; the pass (SfToLinalg.cpp) owns
/// the type converter (ui8 -> i8, !sf.variable<T> -> memref) and the target.

void populateElementwiseToLinalgPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateStructuredToLinalgPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateShapeToLinalgPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateControlFlowToScfPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateStateToMemrefPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);

} // namespace mlir::sf

#endif // STRATAFLOW_SFTOLINALG_H
