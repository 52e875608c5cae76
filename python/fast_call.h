//===- fast_call.h - the per-call path of small staged functions ----------===//
#ifndef STRATAFLOW_PYTHON_FAST_CALL_H
#define STRATAFLOW_PYTHON_FAST_CALL_H

#include <nanobind/nanobind.h>

namespace sf {
/// Adds `call_small` to the extension module.
void defineFastCall(nanobind::module_ &m);
} // namespace sf

#endif
