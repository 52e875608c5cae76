//===- SfReductionOps.td -------------------------------------------------------===//
#ifndef SF_REDUCTION_OPS_TD
#define SF_REDUCTION_OPS_TD

include "SfDialect.td"

#endif // SF_REDUCTION_OPS_TD
