/*===- memref_copy.c - the runtime function compiled code calls ----------===//
 *
 * `memref.copy` between buffers whose layouts differ (a strided view) lowers
 * to a call of `memrefCopy` (finalize-memref-to-llvm). Upstream defines it in
 * libmlir_c_runner_utils, which also holds the sparse tensor runtime and so
 * loads a second MLIR, libMLIR.so (186 MB): ~75 ms for every process that
 * compiled or loaded code. libsf_runtime is this one function.
 *
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <string.h>

/* A ranked memref descriptor: two pointers, an offset, then `rank` sizes and
 * `rank` strides (in elements). */
typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizes_and_strides[];
} Descriptor;

typedef struct {
  int64_t rank;
  Descriptor *descriptor;
} UnrankedMemRef;

void memrefCopy(int64_t elem_size, UnrankedMemRef *src_arg, UnrankedMemRef *dst_arg) {
  int64_t rank = src_arg->rank;
  const Descriptor *src = src_arg->descriptor, *dst = dst_arg->descriptor;
  const int64_t *sizes = src->sizes_and_strides;
  const int64_t *src_strides = sizes + rank;
  const int64_t *dst_strides = dst->sizes_and_strides + rank;
  for (int64_t d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return;
  char *from = src->aligned + src->offset * elem_size;
  char *to = dst->aligned + dst->offset * elem_size;
  if (rank == 0) {
    memcpy(to, from, elem_size);
    return;
  }
  /* Rows contiguous on both sides are copied whole; the outer dimensions
   * are walked like an odometer. */
  int64_t inner = rank - 1;
  int row_copy = src_strides[inner] == 1 && dst_strides[inner] == 1;
  int64_t row_bytes = row_copy ? sizes[inner] * elem_size : elem_size;
  int64_t first_walked = row_copy ? inner - 1 : inner;
  int64_t index[rank];
  memset(index, 0, sizeof(index));
  int64_t read = 0, write = 0;
  for (;;) {
    memcpy(to + write, from + read, row_bytes);
    int64_t d = first_walked;
    for (; d >= 0; --d) {
      read += src_strides[d] * elem_size;
      write += dst_strides[d] * elem_size;
      if (++index[d] < sizes[d])
        break;
      read -= sizes[d] * src_strides[d] * elem_size;
      write -= sizes[d] * dst_strides[d] * elem_size;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
