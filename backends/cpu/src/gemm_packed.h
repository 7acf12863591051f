// The CPU backend's GEMM kernel, BLIS-style: op(a) and op(b) are packed into contiguous
// micro-panels (zero-padded to whole register tiles) and a register-blocked micro-kernel,
// written with GCC vector extensions, computes MR x NR tiles of c from them. Templated on the
// vector width so that one source serves every ISA variant (16-byte SSE, 32-byte AVX2,
// 64-byte AVX-512) and the tests can check every width on any machine. No Eigen here.
//
// c (m, n), row-major with leading dimension ldc = alpha op(a) op(b) + beta c;
// op(a): (m, k), stored (m, k) with leading dimension lda, or (k, m) when trans_a;
// op(b): (k, n), stored (k, n) with leading dimension ldb, or (n, k) when trans_b.
// beta == 0 ignores c (NaN in c does not propagate). Runs on the calling thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace anvil::cpu::packed {

using Index = std::int64_t;

// Register tile and cache blocking of one vector width. MR rows x NV vectors of
// accumulators: 12 x 2 zmm (24 of 32 registers) on AVX-512, 6 x 2 ymm (12 of 16) on AVX2,
// 4 x 2 xmm on SSE. Per k step the kernel loads NV vectors of b and broadcasts MR values
// of a, so loads stay below the two FMAs per cycle. KC keeps a b micro-panel (KC x NR) in
// L1 while a's micro-panels stream from L2; MC x KC of a fits L2. Chosen by measurement
// (docs/performance.md, "GEMM near peak").
template <typename T, int VBytes> struct Blocking {
    static constexpr int lanes = VBytes / static_cast<int>(sizeof(T));
    static constexpr int mr = VBytes >= 64 ? 12 : VBytes >= 32 ? 6 : 4;
    static constexpr int nv = 2;
    static constexpr int nr = nv * lanes;
    static constexpr Index kc = 256;
    static constexpr Index mc = VBytes >= 64 ? 192 : 120;  // multiples of mr
    static constexpr Index nc = 4096 / nr * nr;
    static_assert(mc % mr == 0, "a block holds whole micro-panels");
};

// The widest vector the compiling ISA has: this is what the backend's variant uses.
#if defined(__AVX512F__)
inline constexpr int kNativeVectorBytes = 64;
#elif defined(__AVX__)
inline constexpr int kNativeVectorBytes = 32;
#else
inline constexpr int kNativeVectorBytes = 16;
#endif

inline constexpr std::size_t kPanelAlign = 64;
inline constexpr std::size_t align_up(std::size_t bytes) {
    return (bytes + kPanelAlign - 1) / kPanelAlign * kPanelAlign;
}
inline constexpr Index round_to(Index x, Index step) { return (x + step - 1) / step * step; }

// Scratch bytes that gemm() packs into for these sizes (a block then b panel, 64-aligned).
template <typename T, int VBytes> std::size_t scratch_bytes(Index m, Index n, Index k) {
    using B = Blocking<T, VBytes>;
    const Index kc = std::max<Index>(1, std::min(B::kc, k));
    const Index mc = std::min(B::mc, round_to(std::max<Index>(m, 1), B::mr));
    const Index nc = std::min(B::nc, round_to(std::max<Index>(n, 1), B::nr));
    return align_up(sizeof(T) * static_cast<std::size_t>(mc * kc)) +
           align_up(sizeof(T) * static_cast<std::size_t>(kc * nc)) + kPanelAlign;
}

// Packs rows [i0, i0 + mc) x depth [p0, p0 + kc) of op(a) as micro-panels of MR rows:
// dst[panel][p][r], rows past m are zeros.
template <typename T, int MR>
void pack_a(bool trans, const T* a, Index lda, Index m, Index i0, Index mc, Index p0, Index kc, T* dst) {
    for (Index ir = 0; ir < mc; ir += MR, dst += MR * kc) {
        const Index rows = std::min<Index>(MR, m - i0 - ir);
        if (trans) {  // a stored (k, m): a panel's MR values per p are contiguous
            const T* src = a + p0 * lda + i0 + ir;
            for (Index p = 0; p < kc; ++p, src += lda) {
                T* d = dst + p * MR;
                for (Index r = 0; r < rows; ++r) d[r] = src[r];
                for (Index r = rows; r < MR; ++r) d[r] = T(0);
            }
        } else {  // a stored (m, k): MR rows read side by side along p
            const T* src = a + (i0 + ir) * lda + p0;
            for (Index r = 0; r < rows; ++r)
                for (Index p = 0; p < kc; ++p) dst[p * MR + r] = src[r * lda + p];
            for (Index r = rows; r < MR; ++r)
                for (Index p = 0; p < kc; ++p) dst[p * MR + r] = T(0);
        }
    }
}

// Packs depth [p0, p0 + kc) x columns [j0, j0 + nc) of op(b) as micro-panels of NR
// columns: dst[panel][p][j], columns past n are zeros.
template <typename T, int NR>
void pack_b(bool trans, const T* b, Index ldb, Index n, Index j0, Index nc, Index p0, Index kc, T* dst) {
    for (Index jr = 0; jr < nc; jr += NR, dst += NR * kc) {
        const Index cols = std::min<Index>(NR, n - j0 - jr);
        if (trans) {  // b stored (n, k): read each column's k run sequentially
            const T* src = b + (j0 + jr) * ldb + p0;
            for (Index j = 0; j < cols; ++j)
                for (Index p = 0; p < kc; ++p) dst[p * NR + j] = src[j * ldb + p];
            for (Index j = cols; j < NR; ++j)
                for (Index p = 0; p < kc; ++p) dst[p * NR + j] = T(0);
        } else {  // b stored (k, n): NR contiguous values per p
            const T* src = b + p0 * ldb + j0 + jr;
            for (Index p = 0; p < kc; ++p, src += ldb) {
                T* d = dst + p * NR;
                std::memcpy(d, src, sizeof(T) * static_cast<std::size_t>(cols));
                for (Index j = cols; j < NR; ++j) d[j] = T(0);
            }
        }
    }
}

// One MR x NR tile: c = alpha (a_panel b_panel) + beta c over kc steps, or beta ignored
// when `overwrite`. a_panel: (kc, MR), b_panel: (kc, NR), both packed. The accumulators
// are a fixed-size array that GCC keeps in registers once the loops are unrolled.
template <typename T, int VBytes, int MR, int NV>
[[gnu::always_inline]] inline void micro_kernel(Index kc, const T* __restrict a, const T* __restrict b,
                                                T* c, Index ldc, T alpha, T beta, bool overwrite) {
    typedef T V __attribute__((vector_size(VBytes)));
    constexpr int L = VBytes / static_cast<int>(sizeof(T));
    V acc[MR][NV];
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = V{};
    for (Index p = 0; p < kc; ++p, a += MR, b += NV * L) {
        V bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], b + v * L, sizeof(V));
#pragma GCC unroll 32
        for (int r = 0; r < MR; ++r) {
            const T ar = a[r];
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v) acc[r][v] += ar * bv[v];
        }
    }
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
            T* cp = c + r * ldc + v * L;
            V out = alpha * acc[r][v];
            if (!overwrite) {
                V old;
                std::memcpy(&old, cp, sizeof(V));
                out += beta * old;
            }
            std::memcpy(cp, &out, sizeof(V));
        }
    }
}

// A tile cut by the edge of c: computed whole into a local tile (the panels are
// zero-padded), then only the rows x cols inside c are written.
template <typename T, int VBytes, int MR, int NV>
void edge_kernel(Index kc, const T* a, const T* b, T* c, Index ldc, Index rows, Index cols,
                 T alpha, T beta, bool overwrite) {
    constexpr int NR = NV * (VBytes / static_cast<int>(sizeof(T)));
    alignas(64) T tile[MR * NR];
    micro_kernel<T, VBytes, MR, NV>(kc, a, b, tile, NR, alpha, T(0), true);
    for (Index r = 0; r < rows; ++r)
        for (Index j = 0; j < cols; ++j)
            c[r * ldc + j] = overwrite ? tile[r * NR + j] : tile[r * NR + j] + beta * c[r * ldc + j];
}

// c (m, n) = alpha op(a) op(b) + beta c on the calling thread; `scratch` holds
// scratch_bytes<T, VBytes>(m, n, k) bytes. Loop order as BLIS: column panels of b (NC),
// depth blocks (KC, b packed once per block), row blocks of a (MC, packed), then the
// micro-tiles, b's micro-panel reused across a whole row block.
template <typename T, int VBytes>
void gemm(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a, Index lda,
          const T* b, Index ldb, T beta, T* c, Index ldc, std::byte* scratch) {
    using B = Blocking<T, VBytes>;
    constexpr int MR = B::mr, NR = B::nr;
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == T(0)) {  // no product: c = beta c
        for (Index i = 0; i < m; ++i)
            for (Index j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
        return;
    }
    const Index kc_max = std::min(B::kc, k);
    const Index mc_max = std::min(B::mc, round_to(m, MR));
    auto* base = reinterpret_cast<std::byte*>(
        align_up(reinterpret_cast<std::uintptr_t>(scratch)));
    T* a_pack = reinterpret_cast<T*>(base);
    T* b_pack = reinterpret_cast<T*>(base + align_up(sizeof(T) * static_cast<std::size_t>(mc_max * kc_max)));
    for (Index jc = 0; jc < n; jc += B::nc) {
        const Index nc = std::min(B::nc, n - jc);
        for (Index pc = 0; pc < k; pc += B::kc) {
            const Index kc = std::min(B::kc, k - pc);
            // The first depth block applies beta; later ones accumulate onto it.
            const bool overwrite = pc == 0 && beta == T(0);
            const T be = pc == 0 ? beta : T(1);
            pack_b<T, NR>(trans_b, b, ldb, n, jc, round_to(nc, NR), pc, kc, b_pack);
            for (Index ic = 0; ic < m; ic += B::mc) {
                const Index mc = std::min(B::mc, m - ic);
                pack_a<T, MR>(trans_a, a, lda, m, ic, round_to(mc, MR), pc, kc, a_pack);
                for (Index jr = 0; jr < nc; jr += NR) {
                    const Index cols = std::min<Index>(NR, nc - jr);
                    const T* bp = b_pack + jr * kc;
                    for (Index ir = 0; ir < mc; ir += MR) {
                        const Index rows = std::min<Index>(MR, mc - ir);
                        const T* ap = a_pack + ir * kc;
                        T* cp = c + (ic + ir) * ldc + jc + jr;
                        if (rows == MR && cols == NR)
                            micro_kernel<T, VBytes, MR, B::nv>(kc, ap, bp, cp, ldc, alpha, be, overwrite);
                        else
                            edge_kernel<T, VBytes, MR, B::nv>(kc, ap, bp, cp, ldc, rows, cols, alpha, be, overwrite);
                    }
                }
            }
        }
    }
}

}  // namespace anvil::cpu::packed
