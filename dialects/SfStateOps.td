//===- SfStateOps.td -------------------------------------------------------===//
#ifndef SF_STATE_OPS_TD
#define SF_STATE_OPS_TD

include "SfDialect.td"

#endif // SF_STATE_OPS_TD
