"""Generates the MLIR of the precompiled f32 GEMM kernels (build time).

    python gemm.py avx2 mt gemm_avx2_mt.mlir

`sf_gemm_f32_<target>_<variant>(A, B, C, threads, beta)` computes
C = A . B + beta C (beta 0 or 1; with 0, C is only written) for any strides
of A (M x K) and B (K x N) and a row-contiguous C, on one
thread (`st`) or on `threads` OpenMP threads (`mt`). OpenMP, not the MLIR
async runtime: its workers sleep between calls, and waking one cost about
100 us per matmul here (a 128x256x256 matmul took as long on two threads as
on one); OpenMP's spin a little before sleeping. Staged functions call it
instead of compiling each matmul (sf-cpu-gemm-to-call): a matmul's tiled,
vectorized code was most of a train step's compile time.

The loop nest is BLIS's. C's columns are split into tasks, one per thread
(a single parallel region per call). A task walks K in blocks of at most KC
(of equal size); per block it packs its columns of B into NR-wide panels
(zero-padded, any layout of B) and runs the MR x NR register tile over them,
MC rows of A at a time: one broadcast of an A element and NR/lanes FMAs per
row and k. A is read in place, by one loop nest per unit-stride layout (rows;
or columns: a transposed A, as in a.T @ b), except its last partial MR rows,
which are copied zero-padded.
"""
import sys

# vector ISA -> (MR rows, NR columns) of the register tile: MR x NR/lanes
# accumulators plus the B row and an A broadcast fit the register file.
TILES = {"avx2": (6, 16), "avx512": (8, 32)}
# K block. AVX2: a KC x NR panel of B (16 KB) stays in L1 across an MC block.
# AVX-512 (measured on Zen 4, 1024^3 on one thread, against 256): 128 -4%,
# 512 +2%, 1024 +4% (+5% on two threads; 2048^3 +8%). C's tile is read and
# written once per block, and B's 32-wide panel streams from L2 anyway.
KC = {"avx2": 256, "avx512": 1024}
UNROLL = 4  # k steps per iteration of the register tile's loop
MG = 12  # MR rows x MG per MC block (72 rows on AVX2): its A rows stay in L2
# Tasks per call: one per thread (the caller runs one; more, smaller tasks
# measured slower), fewer when M*N*K >> TASK_WORK_SHIFT is smaller.
TASK_WORK_SHIFT = 21

STRIDED = "memref<?x?xf32, strided<[?, ?], offset: ?>>"
ROWS = "memref<?x?xf32, strided<[?, 1], offset: ?>>"
COLS = "memref<?x?xf32, strided<[1, ?], offset: ?>>"


def pack(width: int) -> str:
    """@pack_<width>(X, P, first, count, k0, kc): P[i][k][w] =
    X[(first + i)*width + w, k0 + k] for the `count` panels i, zero past X's
    rows. X is B transposed (N x K). Three paths by X's run-time strides:
    rows contiguous along k (read a width x 8 block, transpose in registers),
    columns contiguous (one vector per k), anything else (element by
    element)."""
    P = f"memref<?x?x{width}xf32>"
    head = f"""
  func.func private @pack_{width}(%X: {STRIDED}, %P: {P}, %first: index, %count: index,
                                 %k0: index, %kc: index) {{
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %w = arith.constant {width} : index
    %zero = arith.constant 0.0 : f32
    %base, %off, %rows, %cols, %srow, %scol = memref.extract_strided_metadata %X
        : {STRIDED} -> memref<f32>, index, index, index, index, index
    %kcontig = arith.cmpi eq, %scol, %c1 : index
    %pcontig = arith.cmpi eq, %srow, %c1 : index"""

    def panels(step: str, body: str) -> str:
        return f"""
      scf.for %i = %c0 to %count step %c1 {{
        %panel = arith.addi %first, %i : index
        %r0 = arith.muli %panel, %w : index
        scf.for %k = %c0 to %kc step {step} {{
          %kk = arith.addi %k0, %k : index{body}
        }}
      }}"""

    transposing = panels("%c8", f"""
          %t = vector.transfer_read %Xk[%r0, %kk], %zero : {ROWS}, vector<{width}x8xf32>
          %tt = vector.transpose %t, [1, 0] : vector<{width}x8xf32> to vector<8x{width}xf32>
          vector.transfer_write %tt, %P[%i, %k, %c0] {{in_bounds = [false, true]}}
              : vector<8x{width}xf32>, {P}""")
    direct = panels("%c1", f"""
          %v = vector.transfer_read %Xp[%kk, %r0], %zero : {ROWS}, vector<{width}xf32>
          vector.transfer_write %v, %P[%i, %k, %c0] {{in_bounds = [true]}} : vector<{width}xf32>, {P}""")
    general = panels("%c1", f"""
          %v = vector.transfer_read %X[%r0, %kk], %zero
              {{permutation_map = affine_map<(d0, d1) -> (d0)>}} : {STRIDED}, vector<{width}xf32>
          vector.transfer_write %v, %P[%i, %k, %c0] {{in_bounds = [true]}} : vector<{width}xf32>, {P}""")
    return f"""{head}
    scf.if %kcontig {{
      %Xk = memref.reinterpret_cast %base to offset: [%off], sizes: [%rows, %cols],
          strides: [%srow, 1] : memref<f32> to {ROWS}{transposing}
    }} else {{
      scf.if %pcontig {{
        %Xp = memref.reinterpret_cast %base to offset: [%off], sizes: [%cols, %rows],
            strides: [%scol, 1] : memref<f32> to {ROWS}{direct}
      }} else {{{general}
      }}
    }}
    return
  }}"""


def blocks(target: str, layout: str) -> str:
    """@blocks_<layout>(A, Bt, C): the loop nest for an A whose rows
    (`rows`: k-contiguous) or columns (`cols`: m-contiguous) are contiguous.
    Known unit strides let LLVM address the tile's A elements from one
    pointer (a dynamic stride costs a dependent add per element)."""
    mr, nr = TILES[target]
    A = ROWS if layout == "rows" else COLS
    BP = f"memref<?x?x{nr}xf32>"
    tile = f"vector<{mr}x{nr}xf32>"

    def step(k: str, tag: str, acc: str) -> tuple[str, str]:
        """One k of the register tile: the B row, then per row one broadcast
        of an A element and NR/lanes FMAs (vector.outerproduct would load A's
        column as a vector and permute lanes into broadcasts)."""
        lines = [f"%b{tag} = vector.load %Bp[%j, {k}, %c0] : {BP}, vector<{nr}xf32>"]
        for r in range(mr):
            v = f"{tag}_{r}"
            lines += [
                f"%a{v} = memref.load %Av[%idx{r}, {k}] : {A}",
                f"%s{v} = vector.broadcast %a{v} : f32 to vector<{nr}xf32>",
                f"%row{v} = vector.extract {acc}[{r}] : vector<{nr}xf32> from {tile}",
                f"%f{v} = vector.fma %s{v}, %b{tag}, %row{v} : vector<{nr}xf32>",
                f"%acc{v} = vector.insert %f{v}, {acc} [{r}] : vector<{nr}xf32> into {tile}",
            ]
            acc = f"%acc{v}"
        return "\n".join(" " * 16 + line for line in lines), acc

    # k unrolled by UNROLL (the loop's own increments and compare would
    # otherwise cost as much issue bandwidth as a row of FMAs), then the rest.
    unrolled, acc = [], "%acc_in"
    for u in range(UNROLL):
        k = "%k" if u == 0 else f"%k{u}"
        if u:
            unrolled.append(" " * 16 + f"{k} = arith.addi %k, %idx{u} : index")
        text, acc = step(k, f"u{u}", acc)
        unrolled.append(text)
    unrolled_body, unrolled_acc = "\n".join(unrolled), acc
    rest_body, rest_acc = step("%k", "r", "%acc_in")
    # The zero-padded copy of the last rows, in A's layout.
    if layout == "rows":
        edge_alloc = f"""      %edge = memref.alloc(%mr, %kstep) {{alignment = 64 : i64}} : memref<?x?xf32>
      %edge_view = memref.cast %edge : memref<?x?xf32> to {A}"""
    else:
        edge_alloc = f"""      %edge = memref.alloc(%kstep, %mr) {{alignment = 64 : i64}} : memref<?x?xf32>
      %edge_t = memref.transpose %edge (d0, d1) -> (d1, d0)
          : memref<?x?xf32> to memref<?x?xf32, strided<[1, ?]>>
      %edge_view = memref.cast %edge_t : memref<?x?xf32, strided<[1, ?]>> to {A}"""
    prefetch_next = "\n".join(
        " " * 14 + f"%pf{r} = arith.addi %row_end, %idx{r} : index\n"
        + " " * 14 + f"memref.prefetch %C[%pf{r}, %col], write, locality<3>, data : {ROWS}"
        for r in range(mr))
    # row numbers of the tile and offsets of the unrolled k steps
    indices = "\n".join(f"    %idx{n} = arith.constant {n} : index" for n in range(max(mr, UNROLL)))
    return f"""
  func.func private @blocks_{layout}(%A: {A}, %Bt: {STRIDED}, %C: {ROWS}, %max_tasks: index,
                                      %overwrite: i1) {{
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %mr = arith.constant {mr} : index
    %nr = arith.constant {nr} : index
    %kcmax = arith.constant {KC[target]} : index
    %mc = arith.constant {MG * mr} : index
    %unroll = arith.constant {UNROLL} : index
    %shift = arith.constant {TASK_WORK_SHIFT} : index
    %zero = arith.constant 0.0 : f32
{indices}
    %M = memref.dim %A, %c0 : {A}
    %K = memref.dim %A, %c1 : {A}
    %N = memref.dim %Bt, %c0 : {STRIDED}
    %np = arith.ceildivui %N, %nr : index
    // Rows below the last whole MR panel: that panel is copied, zero-padded.
    %m_whole = arith.divui %M, %mr : index
    %whole_rows = arith.muli %m_whole, %mr : index
    // Tasks split N only: none repacks another's B columns, and A is read in
    // place.
    %mn = arith.muli %M, %N : index
    %work = arith.muli %mn, %K : index
    %by_work = arith.shrui %work, %shift : index
    %tasks0 = arith.minui %by_work, %max_tasks : index
    %tasks1 = arith.minui %tasks0, %np : index
    %tasks = arith.maxui %tasks1, %c1 : index
    %per_task = arith.ceildivui %np, %tasks : index
    // K blocks of equal size (784 = 4 x 196, not 3 x 256 + 16)
    %kblocks = arith.ceildivui %K, %kcmax : index
    %kstep = arith.ceildivui %K, %kblocks : index
    scf.parallel (%t) = (%c0) to (%tasks) step (%c1) {{
      %q_lo = arith.muli %t, %per_task : index
      %q_end = arith.addi %q_lo, %per_task : index
      %q_hi = arith.minui %q_end, %np : index
      %nq = arith.subi %q_hi, %q_lo : index
      %Bp = memref.alloc(%nq, %kstep) {{alignment = 64 : i64}} : {BP}
      %scratch = memref.alloc() {{alignment = 64 : i64}} : memref<{mr}x{nr}xf32>
{edge_alloc}
      scf.for %k0 = %c0 to %K step %kstep {{
        %left = arith.subi %K, %k0 : index
        %kc = arith.minui %left, %kstep : index
        %kc_rest = arith.remui %kc, %unroll : index
        %kc_unrolled = arith.subi %kc, %kc_rest : index
        func.call @pack_{nr}(%Bt, %Bp, %q_lo, %nq, %k0, %kc)
            : ({STRIDED}, {BP}, index, index, index, index) -> ()
        scf.for %r = %c0 to %mr step %c1 {{
          %src = arith.addi %whole_rows, %r : index
          %inside = arith.cmpi ult, %src, %M : index
          scf.for %k = %c0 to %kc step %c1 {{
            %v = scf.if %inside -> (f32) {{
              %kk = arith.addi %k0, %k : index
              %x = memref.load %A[%src, %kk] : {A}
              scf.yield %x : f32
            }} else {{
              scf.yield %zero : f32
            }}
            memref.store %v, %edge_view[%r, %k] : {A}
          }}
        }}
        scf.for %i0 = %c0 to %M step %mc {{
          %i_end = arith.addi %i0, %mc : index
          %i_hi = arith.minui %i_end, %M : index
          scf.for %j = %c0 to %nq step %c1 {{
            %panel_j = arith.addi %q_lo, %j : index
            %col = arith.muli %panel_j, %nr : index
            scf.for %row = %i0 to %i_hi step %mr {{
              %is_edge = arith.cmpi uge, %row, %whole_rows : index
              %in_place = memref.subview %A[%row, %k0] [%mr, %kc] [1, 1] : {A} to {A}
              %Av = arith.select %is_edge, %edge_view, %in_place : {A}
              // C's old value, unless beta = 0 and this is the first K block
              %first = arith.cmpi eq, %k0, %c0 : index
              %fresh = arith.andi %first, %overwrite : i1
              %row_end = arith.addi %row, %mr : index
              // the next tile's C rows, read and written after this one's
              // (harmless past C's end: a prefetch never faults)
{prefetch_next}
              // A tile inside C is read and written whole; one that sticks
              // out is written element by element: masked vector stores
              // (vmaskmovps) are microcoded on AMD cores, and were most of
              // the time of a matmul with small K or N.
              %col_end = arith.addi %col, %nr : index
              %rows_in = arith.cmpi ule, %row_end, %M : index
              %cols_in = arith.cmpi ule, %col_end, %N : index
              %whole = arith.andi %rows_in, %cols_in : i1
              %acc0 = scf.if %fresh -> ({tile}) {{
                %zeros = arith.constant dense<0.0> : {tile}
                scf.yield %zeros : {tile}
              }} else {{
                %old = scf.if %whole -> ({tile}) {{
                  %c_whole = vector.transfer_read %C[%row, %col], %zero {{in_bounds = [true, true]}}
                      : {ROWS}, {tile}
                  scf.yield %c_whole : {tile}
                }} else {{
                  %c_part = vector.transfer_read %C[%row, %col], %zero : {ROWS}, {tile}
                  scf.yield %c_part : {tile}
                }}
                scf.yield %old : {tile}
              }}
              %accu = scf.for %k = %c0 to %kc_unrolled step %unroll
                  iter_args(%acc_in = %acc0) -> ({tile}) {{
{unrolled_body}
                scf.yield {unrolled_acc} : {tile}
              }}
              %acc = scf.for %k = %kc_unrolled to %kc step %c1
                  iter_args(%acc_in = %accu) -> ({tile}) {{
{rest_body}
                scf.yield {rest_acc} : {tile}
              }}
              scf.if %whole {{
                vector.transfer_write %acc, %C[%row, %col] {{in_bounds = [true, true]}}
                    : {tile}, {ROWS}
              }} else {{  // through the scratch tile, element by element
                vector.transfer_write %acc, %scratch[%c0, %c0] {{in_bounds = [true, true]}}
                    : {tile}, memref<{mr}x{nr}xf32>
                %rows_left = arith.subi %M, %row : index
                %cols_left = arith.subi %N, %col : index
                %rn = arith.minui %rows_left, %mr : index
                %cn = arith.minui %cols_left, %nr : index
                scf.for %r = %c0 to %rn step %c1 {{
                  %cr = arith.addi %row, %r : index
                  scf.for %c = %c0 to %cn step %c1 {{
                    %cc = arith.addi %col, %c : index
                    %x = memref.load %scratch[%r, %c] : memref<{mr}x{nr}xf32>
                    memref.store %x, %C[%cr, %cc] : {ROWS}
                  }}
                }}
              }}
            }}
          }}
        }}
      }}
      memref.dealloc %edge : memref<?x?xf32>
      memref.dealloc %Bp : {BP}
      memref.dealloc %scratch : memref<{mr}x{nr}xf32>
      scf.reduce
    }}
    return
  }}"""


def gemm(target: str, variant: str) -> str:
    """The public kernel: picks the loop nest by A's run-time strides (an A
    with neither unit stride, a strided view, is copied row-major first)."""
    if variant == "mt":
        # the team of every parallel region this thread starts
        set_threads = """    %tasks = arith.maxui %threads, %c1 : index
    %team = arith.index_cast %tasks : index to i32
    func.call @omp_set_num_threads(%team) : (i32) -> ()"""
    else:
        set_threads = "    %tasks = arith.constant 1 : index"
    return f"""
  func.func @sf_gemm_f32_{target}_{variant}(%A: {STRIDED}, %B: {STRIDED}, %C: {ROWS},
                                             %threads: index, %beta: index) {{
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
{set_threads}
    %base, %off, %M, %K, %sm, %sk = memref.extract_strided_metadata %A
        : {STRIDED} -> memref<f32>, index, index, index, index, index
    // beta = 0: C = A B, C is not read (no zero fill needed before)
    %overwrite = arith.cmpi eq, %beta, %c0 : index
    %k_empty = arith.cmpi eq, %K, %c0 : index
    %zero_c = arith.andi %overwrite, %k_empty : i1
    scf.if %zero_c {{  // no K block writes C
      %zero = arith.constant 0.0 : f32
      %N = memref.dim %C, %c1 : {ROWS}
      scf.for %i = %c0 to %M step %c1 {{
        scf.for %j = %c0 to %N step %c1 {{
          memref.store %zero, %C[%i, %j] : {ROWS}
        }}
      }}
    }}
    %Bt = memref.transpose %B (d0, d1) -> (d1, d0) : {STRIDED} to {STRIDED}
    %kcontig = arith.cmpi eq, %sk, %c1 : index
    %mcontig = arith.cmpi eq, %sm, %c1 : index
    scf.if %kcontig {{
      %Ar = memref.reinterpret_cast %base to offset: [%off], sizes: [%M, %K],
          strides: [%sm, 1] : memref<f32> to {ROWS}
      func.call @blocks_rows(%Ar, %Bt, %C, %tasks, %overwrite)
          : ({ROWS}, {STRIDED}, {ROWS}, index, i1) -> ()
    }} else {{
      scf.if %mcontig {{
        %Ac = memref.reinterpret_cast %base to offset: [%off], sizes: [%M, %K],
            strides: [1, %sk] : memref<f32> to {COLS}
        func.call @blocks_cols(%Ac, %Bt, %C, %tasks, %overwrite)
            : ({COLS}, {STRIDED}, {ROWS}, index, i1) -> ()
      }} else {{
        %copy = memref.alloc(%M, %K) {{alignment = 64 : i64}} : memref<?x?xf32>
        scf.for %i = %c0 to %M step %c1 {{
          scf.for %k = %c0 to %K step %c1 {{
            %x = memref.load %A[%i, %k] : {STRIDED}
            memref.store %x, %copy[%i, %k] : memref<?x?xf32>
          }}
        }}
        %Ar = memref.cast %copy : memref<?x?xf32> to {ROWS}
        func.call @blocks_rows(%Ar, %Bt, %C, %tasks, %overwrite)
          : ({ROWS}, {STRIDED}, {ROWS}, index, i1) -> ()
        memref.dealloc %copy : memref<?x?xf32>
      }}
    }}
    return
  }}"""


def module(target: str, variant: str) -> str:
    """One kernel per module: `st` and `mt` get different pipelines."""
    body = pack(TILES[target][1]) + blocks(target, "rows") + blocks(target, "cols")
    body += gemm(target, variant)
    if variant == "mt":
        body += "\n  func.func private @omp_set_num_threads(i32)"
    return f"// Generated by lib/Kernels/gemm.py; do not edit.\nmodule {{{body}\n}}\n"


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in TILES or sys.argv[2] not in ("st", "mt"):
        sys.exit(f"usage: gemm.py {{{'|'.join(TILES)}}} {{st|mt}} OUT.mlir")
    with open(sys.argv[3], "w") as out:
        out.write(module(sys.argv[1], sys.argv[2]))
