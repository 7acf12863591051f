// Raw-pointer GEMM kernels shared between the CPU backend's primitive and composite files
// (the composites run GEMM on row tiles of larger tensors). Row-major throughout.
#pragma once

#include <cstddef>

#include "parallel.h"

namespace anvil::cpu {

// c (m, n) = alpha * op(a) @ op(b) + beta * c; op(a): (m, k), op(b): (k, n). a is stored
// (k, m) when trans_a, b is stored (n, k) when trans_b. beta == 0 ignores c (even NaN).
// On the calling thread only (one thread's tile inside a parallel region): the packed
// kernel (gemm_packed.h) packs its operands into `scratch`, which must hold
// gemm_tile_bytes<T>(m, n, k) bytes, instead of allocating per call.
template <typename T> std::size_t gemm_tile_bytes(Index m, Index n, Index k);
template <typename T>
void gemm_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c, std::byte* scratch);

// Many row tiles of a against one b (the row-tiled GEMM, the linear layers' tiles): when
// pack_b_once says so, op(b) (k, n) is packed once into `packed` (gemm_packed_b_bytes<T>(n, k)
// bytes, 64-byte aligned) by gemm_pack_b, and gemm_row_tile multiplies each tile by it
// without packing b again; otherwise (one tile, or one column: a GEMV per tile) the caller
// passes b_packed = nullptr and each tile runs as gemm_tile. lda: elements between stored
// rows of a (a tile of a wider a stored (k, m) passes m).
inline bool pack_b_once(Index tiles, Index n) { return tiles > 1 && n > 1; }
template <typename T> std::size_t gemm_packed_b_bytes(Index n, Index k);
template <typename T> void gemm_pack_b(bool trans_b, Index n, Index k, const T* b, T* packed);
template <typename T>
void gemm_row_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a, Index lda,
                   const T* b, const T* b_packed, T beta, T* c, std::byte* scratch);

#define ANVIL_CPU_GEMM_DECLARE(T)                                                              \
    extern template std::size_t gemm_tile_bytes<T>(Index, Index, Index);                       \
    extern template void gemm_tile<T>(bool, bool, Index, Index, Index, T, const T*, const T*, \
                                      T, T*, std::byte*);                                      \
    extern template std::size_t gemm_packed_b_bytes<T>(Index, Index);                          \
    extern template void gemm_pack_b<T>(bool, Index, Index, const T*, T*);                     \
    extern template void gemm_row_tile<T>(bool, bool, Index, Index, Index, T, const T*, Index,  \
                                          const T*, const T*, T, T*, std::byte*);
ANVIL_CPU_GEMM_DECLARE(float)
ANVIL_CPU_GEMM_DECLARE(double)
#undef ANVIL_CPU_GEMM_DECLARE

}  // namespace anvil::cpu
