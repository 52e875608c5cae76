//===- fast_call.cpp - the per-call path of small staged functions --------===//
//
// `staging/executor.py` prepares, once per concrete function, persistent
// argument buffers that the memref descriptors point at and a staging array
// for the single result. A call is then: copy each argument's bytes into its
// buffer, run the packed `_mlir_ciface_` wrapper, copy the result out and
// free the buffer the code returned. Done here it costs about a third of the
// same steps through NumPy and ctypes (benchmarks/staging.py).
//
//===----------------------------------------------------------------------===//
#include "fast_call.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace nb = nanobind;

namespace {

/// The head of a ranked memref descriptor (sizes and strides follow).
struct DescriptorHead {
  void *allocated;
  char *aligned;
  int64_t offset;
};

/// Returns false, having run nothing, when an argument is not a C-contiguous
/// buffer of its slot's size: the caller then takes the general path.
bool callSmall(uintptr_t function, uintptr_t packed, nb::tuple slots,
               nb::list args, uintptr_t result, size_t itemsize,
               uintptr_t stage, size_t stageBytes) {
  size_t n = slots.size();
  if (args.size() != n)
    return false;
  std::vector<Py_buffer> views(n);
  std::vector<void *> targets(n);
  size_t acquired = 0;
  bool ok = true;
  for (; acquired < n; ++acquired) {
    if (PyObject_GetBuffer(args[acquired].ptr(), &views[acquired],
                           PyBUF_C_CONTIGUOUS) != 0) {
      PyErr_Clear();
      ok = false;
      break;
    }
    auto slot = nb::cast<nb::tuple>(slots[acquired]);
    targets[acquired] = reinterpret_cast<void *>(nb::cast<uintptr_t>(slot[0]));
    if (static_cast<size_t>(views[acquired].len) != nb::cast<size_t>(slot[1])) {
      PyBuffer_Release(&views[acquired]);
      ok = false;
      break;
    }
  }
  for (size_t i = 0; i < acquired; ++i) {
    if (ok)
      std::memcpy(targets[i], views[i].buf, views[i].len);
    PyBuffer_Release(&views[i]);
  }
  if (!ok)
    return false;

  reinterpret_cast<void (*)(void **)>(function)(
      reinterpret_cast<void **>(packed));
  auto *head = reinterpret_cast<DescriptorHead *>(result);
  if (stageBytes)
    std::memcpy(reinterpret_cast<void *>(stage),
                head->aligned + head->offset * itemsize, stageBytes);
  std::free(head->allocated);
  return true;
}

} // namespace

void sf::defineFastCall(nb::module_ &m) {
  m.def("call_small", &callSmall, nb::arg("function"), nb::arg("packed"),
        nb::arg("slots"), nb::arg("args"), nb::arg("result"),
        nb::arg("itemsize"), nb::arg("stage"), nb::arg("stage_bytes"),
        "Runs a compiled function on small static arguments; see "
        "strataflow.staging.executor. False: arguments not taken.");
}
