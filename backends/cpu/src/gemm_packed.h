// The CPU backend's GEMM kernel, BLIS-style: op(b) is packed into contiguous micro-panels
// (zero-padded to whole register tiles), a transposed op(a) too (a row-major one is read in
// place), and a register-blocked micro-kernel, written with GCC vector extensions, computes
// MR x NR tiles of c from them. Templated on the
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
#include <numeric>

namespace anvil::cpu::packed {

using Index = std::int64_t;

// Register tile and cache blocking of one vector width. MR rows x NV vectors of
// accumulators: 12 x 2 zmm (24 of 32 registers) on AVX-512, 6 x 2 ymm (12 of 16) on AVX2,
// 4 x 2 xmm on SSE. Per k step the kernel loads NV vectors of b and broadcasts MR values
// of a, so loads stay below the two FMAs per cycle. KC keeps a b micro-panel (KC x NR) in
// L1 while a's micro-panels stream from L2; MC x KC of a fits L2. 12 x 2 on AVX-512 ran
// ahead of 8 x 2, 14 x 2 and 6 x 4 at 4096x256x256 in one loaded single-thread comparison;
// the rest are the classic sizes for the register count (docs/performance.md, issue 14).
template <typename T, int VBytes> struct Blocking {
    static constexpr int lanes = VBytes / static_cast<int>(sizeof(T));
    static constexpr int mr = VBytes >= 64 ? 12 : VBytes >= 32 ? 6 : 4;
    static constexpr int nv = 2;
    static constexpr int nr = nv * lanes;
    static constexpr Index kc = 256;
    // Multiples of mr; 264 on AVX-512 makes m = 256 (g^T x) one block (L2 is 1-2 MiB).
    static constexpr Index mc = VBytes >= 64 ? 264 : 120;
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
    const Index whole = std::clamp<Index>((m - i0) / MR * MR, 0, mc);  // rows in whole panels
    if (trans && whole > 0) {
        // a stored (k, m): row p of the block is contiguous, so rows are read front to back
        // and each panel gets its MR values (fixed-size copies, vector moves). Rows go G at a
        // time, G such that G * MR values fill whole cache lines of the panel: each panel then
        // receives whole lines at once instead of 22 partial ones per row (48-byte pieces on
        // AVX-512), which packed g^T x's a 2.4x faster from cache, about 1.5x from memory.
        constexpr Index G = 64 / std::gcd<Index>(64, MR * static_cast<Index>(sizeof(T)));
        const Index grouped = kc / G * G;
        for (Index p = 0; p < grouped; p += G) {
            const T* src = a + (p0 + p) * lda + i0;
            for (Index ir = 0; ir < whole; ir += MR) {
                T* d = dst + ir * kc + p * MR;
#pragma GCC unroll 16
                for (Index g = 0; g < G; ++g) std::memcpy(d + g * MR, src + g * lda + ir, sizeof(T) * MR);
            }
        }
        for (Index p = grouped; p < kc; ++p) {
            const T* src = a + (p0 + p) * lda + i0;
            for (Index ir = 0; ir < whole; ir += MR) std::memcpy(dst + ir * kc + p * MR, src + ir, sizeof(T) * MR);
        }
        if (whole == mc) return;
        i0 += whole;
        mc -= whole;
        dst += whole * kc;
    }
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
            if (cols == NR) {  // a whole panel: fixed-size copies, not a libc call per row
                for (Index p = 0; p < kc; ++p, src += ldb) std::memcpy(dst + p * NR, src, sizeof(T) * NR);
                continue;
            }
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
//
// A comes packed (a: (kc, MR), lda ignored) or, when `DirectA`, straight from a row-major
// op(a) (a: row 0 of the tile, rows lda apart, `rows` of them valid; missing rows repeat the
// last valid one and land only in an edge tile's discarded part). Reading a in place saves
// packing it, about an eighth of the work at n = 256, where each element of a is used by
// only 256 multiply-adds; its MR rows are MR sequential streams for the prefetchers.
//
// MR rows are computed; a packed panel holds PanelRows rows (MR or fewer at an edge).
template <typename T, int VBytes, int MR, int NV, bool DirectA = false, int PanelRows = MR>
[[gnu::always_inline]] inline void micro_kernel(Index kc, const T* __restrict a, Index lda, Index rows,
                                                const T* __restrict b, T* c, Index ldc, T alpha, T beta,
                                                bool overwrite) {
    typedef T V __attribute__((vector_size(VBytes)));
    constexpr int L = VBytes / static_cast<int>(sizeof(T));
    V acc[MR][NV];
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = V{};
    const T* row[MR];
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) row[r] = a + (DirectA ? std::min<Index>(r, rows - 1) * lda : r);
    for (Index p = 0; p < kc; ++p, b += NV * L) {
        V bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], b + v * L, sizeof(V));
#pragma GCC unroll 32
        for (int r = 0; r < MR; ++r) {
            const T ar = DirectA ? row[r][p] : row[r][p * PanelRows];
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
template <typename T, int VBytes, int MR, int NV, bool DirectA, int PanelRows>
void edge_kernel(Index kc, const T* a, Index lda, const T* b, T* c, Index ldc, Index rows, Index cols,
                 T alpha, T beta, bool overwrite) {
    constexpr int NR = NV * (VBytes / static_cast<int>(sizeof(T)));
    alignas(64) T tile[MR * NR];
    micro_kernel<T, VBytes, MR, NV, DirectA, PanelRows>(kc, a, lda, rows, b, tile, NR, alpha, T(0), true);
    for (Index r = 0; r < rows; ++r)
        for (Index j = 0; j < cols; ++j)
            c[r * ldc + j] = overwrite ? tile[r * NR + j] : tile[r * NR + j] + beta * c[r * ldc + j];
}

// Software prefetch into L2 of the next MR-row strip of a row-major a, spread over the
// micro-tiles of the current strip so that it overlaps their arithmetic: rows of kc values
// are too short for the hardware prefetchers to start on. (Prefetching the next packed
// blocks of a and b this way, for g^T x, did not pay: 0.71 of peak against 0.73.)
template <typename T> class StripPrefetch {
public:
    // `rows` rows (none when rows <= 0) of `values` values from `first`, `ld` apart, issued
    // over `steps` calls of step().
    StripPrefetch(const T* first, Index rows, Index values, Index ld, Index steps)
        : lines_((values * static_cast<Index>(sizeof(T)) + 63) / 64), total_(rows > 0 ? rows * lines_ : 0),
          per_step_((total_ + steps - 1) / std::max<Index>(1, steps)),
          base_(reinterpret_cast<const char*>(first)), stride_(ld * static_cast<Index>(sizeof(T))) {}
    void step() {
        for (const Index end = std::min(total_, done_ + per_step_); done_ < end; ++done_)
            __builtin_prefetch(base_ + (done_ / lines_) * stride_ + 64 * (done_ % lines_), 0, 2);
    }

private:
    Index lines_, total_, per_step_, done_ = 0;
    const char* base_;
    Index stride_;
};

// A tile with fewer than MR rows or NR columns (the edges of c). Rows are computed in the
// smallest of MR/3, 2MR/3 and MR that holds them (when MR divides by 3), not a whole MR
// tile: m = 256 leaves 4 rows of 12 per row block, which cost as much as 12 before. A tile
// whose rows fit exactly and whose columns are whole is written straight into c.
template <typename T, int VBytes, int MR, int NV, bool DirectA>
void partial_tile(Index kc, const T* a, Index lda, const T* b, T* c, Index ldc, Index rows, Index cols,
                  T alpha, T beta, bool overwrite) {
    constexpr int NR = NV * (VBytes / static_cast<int>(sizeof(T)));
    constexpr int third = MR % 3 == 0 ? MR / 3 : MR;
    const auto run = [&]<int Rows>() {
        if (rows == Rows && cols == NR)
            micro_kernel<T, VBytes, Rows, NV, DirectA, MR>(kc, a, lda, rows, b, c, ldc, alpha, beta, overwrite);
        else
            edge_kernel<T, VBytes, Rows, NV, DirectA, MR>(kc, a, lda, b, c, ldc, rows, cols, alpha, beta, overwrite);
    };
    if (rows <= third) run.template operator()<third>();
    else if (rows <= 2 * third) run.template operator()<2 * third>();
    else run.template operator()<MR>();
}

// The micro-tiles of one row block (mc rows) against a packed panel of b (nc columns).
// a: packed (mc, kc) panels, each b micro-panel kept in L1 across the block; or (DirectA)
// row 0 of the block in op(a), rows lda apart, read in place: then each MR-row strip of a
// comes from memory once and is reused from L1 against every micro-panel of b (L2), while
// the next strip is prefetched.
template <typename T, int VBytes, bool DirectA>
void row_block(Index kc, const T* a, Index lda, const T* b_pack, Index nc, Index mc, T* c, Index ldc,
               T alpha, T beta, bool overwrite) {
    using B = Blocking<T, VBytes>;
    constexpr int MR = B::mr, NR = B::nr;
    const auto tile = [&](Index ir, Index jr) {
        const Index rows = std::min<Index>(MR, mc - ir), cols = std::min<Index>(NR, nc - jr);
        const T* ap = DirectA ? a + ir * lda : a + ir * kc;
        const T* bp = b_pack + jr * kc;
        T* cp = c + ir * ldc + jr;
        if (rows == MR && cols == NR)
            micro_kernel<T, VBytes, MR, B::nv, DirectA>(kc, ap, lda, rows, bp, cp, ldc, alpha, beta, overwrite);
        else
            partial_tile<T, VBytes, MR, B::nv, DirectA>(kc, ap, lda, bp, cp, ldc, rows, cols, alpha, beta, overwrite);
    };
    const Index panels = (nc + NR - 1) / NR;
    if constexpr (DirectA) {
        for (Index ir = 0; ir < mc; ir += MR) {
            const Index next_rows = std::min<Index>(MR, mc - ir - MR);  // <= 0 after the last strip
            StripPrefetch<T> strip(next_rows > 0 ? a + (ir + MR) * lda : a, next_rows, kc, lda, panels);
            for (Index jr = 0; jr < nc; jr += NR) {
                strip.step();
                tile(ir, jr);
            }
        }
    } else {
        for (Index jr = 0; jr < nc; jr += NR)
            for (Index ir = 0; ir < mc; ir += MR) tile(ir, jr);
    }
}

// op(b) (k, n) packed whole, every block gemm() visits, for callers that multiply many row
// tiles of a by the same b (the row-tiled GEMM and the linear layers): packing b once
// instead of once per tile saved about a tenth of a 256-row x W^T tile. Layout: column
// panels of NC (each zero-padded to whole NR micro-panels, width w), each the depth blocks
// of KC in order, as pack_b writes them: block (jc, pc) starts at jc * k + pc * w.
template <typename T, int VBytes> std::size_t packed_b_bytes(Index n, Index k) {
    using B = Blocking<T, VBytes>;
    return sizeof(T) * static_cast<std::size_t>(round_to(std::max<Index>(n, 1), B::nr) * std::max<Index>(k, 1));
}

template <typename T, int VBytes> void pack_b_whole(bool trans_b, const T* b, Index ldb, Index n, Index k, T* dst) {
    using B = Blocking<T, VBytes>;
    for (Index jc = 0; jc < n; jc += B::nc) {
        const Index width = round_to(std::min(B::nc, n - jc), B::nr);
        for (Index pc = 0; pc < k; pc += B::kc)
            pack_b<T, B::nr>(trans_b, b, ldb, n, jc, width, pc, std::min(B::kc, k - pc), dst + jc * k + pc * width);
    }
}

// c (m, n) = alpha op(a) op(b) + beta c on the calling thread. op(b) comes packed whole
// (`b_packed`, from pack_b_whole) or is packed block by block into `scratch`; `scratch`
// holds scratch_bytes<T, VBytes>(m, n, k) bytes. Loop order as BLIS: column panels of b
// (NC), depth blocks (KC), row blocks of a (MC, packed, or read in place when stored
// (m, k)), then the micro-tiles.
template <typename T, int VBytes>
void gemm(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a, Index lda,
          const T* b, Index ldb, const T* b_packed, T beta, T* c, Index ldc, std::byte* scratch) {
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
    T* b_block = reinterpret_cast<T*>(base + align_up(sizeof(T) * static_cast<std::size_t>(mc_max * kc_max)));
    for (Index jc = 0; jc < n; jc += B::nc) {
        const Index nc = std::min(B::nc, n - jc), width = round_to(nc, NR);
        for (Index pc = 0; pc < k; pc += B::kc) {
            const Index kc = std::min(B::kc, k - pc);
            // The first depth block applies beta; later ones accumulate onto it.
            const bool overwrite = pc == 0 && beta == T(0);
            const T be = pc == 0 ? beta : T(1);
            const T* b_pack = b_packed ? b_packed + jc * k + pc * width : b_block;
            if (!b_packed) pack_b<T, NR>(trans_b, b, ldb, n, jc, width, pc, kc, b_block);
            for (Index ic = 0; ic < m; ic += B::mc) {
                const Index mc = std::min(B::mc, m - ic);
                if (trans_a) {
                    pack_a<T, MR>(trans_a, a, lda, m, ic, round_to(mc, MR), pc, kc, a_pack);
                    row_block<T, VBytes, false>(kc, a_pack, 0, b_pack, nc, mc, c + ic * ldc + jc, ldc, alpha, be,
                                                overwrite);
                } else {
                    row_block<T, VBytes, true>(kc, a + ic * lda + pc, lda, b_pack, nc, mc, c + ic * ldc + jc, ldc,
                                               alpha, be, overwrite);
                }
            }
        }
    }
}

}  // namespace anvil::cpu::packed
