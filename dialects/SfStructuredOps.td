//===- SfStructuredOps.td -------------------------------------------------------===//
#ifndef SF_STRUCTURED_OPS_TD
#define SF_STRUCTURED_OPS_TD

include "SfDialect.td"

#endif // SF_STRUCTURED_OPS_TD
