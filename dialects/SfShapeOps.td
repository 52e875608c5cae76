//===- SfShapeOps.td -------------------------------------------------------===//
#ifndef SF_SHAPE_OPS_TD
#define SF_SHAPE_OPS_TD

include "SfDialect.td"

#endif // SF_SHAPE_OPS_TD
