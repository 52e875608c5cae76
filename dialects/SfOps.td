//===- SfOps.td - every sf op, one file per family ------------------------===//
#ifndef SF_OPS_TD
#define SF_OPS_TD

include "SfDialect.td"
include "SfElementwiseOps.td"
include "SfStructuredOps.td"
include "SfReductionOps.td"
include "SfShapeOps.td"
include "SfControlFlowOps.td"
include "SfStateOps.td"

#endif // SF_OPS_TD
