//===- SfControlFlowOps.td -------------------------------------------------------===//
#ifndef SF_CONTROLFLOW_OPS_TD
#define SF_CONTROLFLOW_OPS_TD

include "SfDialect.td"

#endif // SF_CONTROLFLOW_OPS_TD
