// GEMM and 2-D transpose of the CPU backend. Products run the packed kernel of
// gemm_packed.h at the widest vector width this variant's ISA has (no operand is copied
// except into its packing buffers); matrix-vector products (m or n == 1) run Eigen's GEMV
// (public API). gemm_tile runs on the calling thread with packing space from the caller's
// workspace; the primitive GEMM spreads such calls over threads (plan_gemm).
#include <algorithm>
#include <array>

#include "cpu_device.h"
#include "gemm_kernels.h"
#include "gemm_packed.h"
#include "workspace.h"

namespace anvil::cpu {

namespace {

constexpr int kVectorBytes = packed::kNativeVectorBytes;

template <typename T> using StridedMap = Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T> using VectorMap = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>, 0, Eigen::InnerStride<>>;

// c (rows) = alpha * mat @ vec + beta * c; c is contiguous, so Eigen's GEMV writes straight
// into it (no temporary). beta == 0 ignores c.
template <typename T, typename Mat>
void gemv_into(T* c, Index rows, const Mat& mat, const VectorMap<T>& vec, T alpha, T beta) {
    Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>> out(c, rows);
    if (beta == T(0)) {
        out.noalias() = alpha * mat * vec;
    } else {
        if (beta != T(1)) out *= beta;
        out.noalias() += alpha * mat * vec;
    }
}

// m == 1 or n == 1: c is a vector and the product a GEMV against the other operand. A row
// (1, k) is contiguous; a column (k, 1) steps by its leading dimension (1 when natural).
template <typename T>
void gemv_block(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
                Index lda, const T* b, Index ldb, T beta, T* c) {
    if (n == 1) {  // c (m) = op(a) (m, k) @ op(b) (k)
        const VectorMap<T> vec(b, k, Eigen::InnerStride<>(trans_b ? 1 : ldb));
        if (trans_a) gemv_into(c, m, StridedMap<T>(a, k, m, Eigen::OuterStride<>(lda)).transpose(), vec, alpha, beta);
        else gemv_into(c, m, StridedMap<T>(a, m, k, Eigen::OuterStride<>(lda)), vec, alpha, beta);
        return;
    }
    // m == 1: c^T (n) = op(b)^T (n, k) @ op(a)^T (k)
    const VectorMap<T> vec(a, k, Eigen::InnerStride<>(trans_a ? lda : 1));
    if (trans_b) gemv_into(c, n, StridedMap<T>(b, n, k, Eigen::OuterStride<>(ldb)), vec, alpha, beta);
    else gemv_into(c, n, StridedMap<T>(b, k, n, Eigen::OuterStride<>(ldb)).transpose(), vec, alpha, beta);
}

template <typename T> std::size_t block_bytes(Index m, Index n, Index k) {
    return packed::scratch_bytes<T, kVectorBytes>(m, n, k);
}

// gemm_tile with explicit leading dimensions (elements between stored rows) of a, b and c,
// so a K-slice or a column block of a larger operand can be passed in place.
template <typename T>
void gemm_block(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
                Index lda, const T* b, Index ldb, T beta, T* c, Index ldc, std::byte* scratch) {
    if (m == 1 || (n == 1 && ldc == 1)) {  // matrix-vector, c contiguous: no packing pays
        if (k == 0) {
            for (Index i = 0; i < m * n; ++i) c[i] = beta == T(0) ? T(0) : beta * c[i];
            return;
        }
        gemv_block(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c);
        return;
    }
    packed::gemm<T, kVectorBytes>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, nullptr, beta, c, ldc, scratch);
}

}  // namespace

template <typename T> std::size_t gemm_tile_bytes(Index m, Index n, Index k) {
    return block_bytes<T>(m, n, k);
}

template <typename T>
void gemm_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c, std::byte* scratch) {
    gemm_block(trans_a, trans_b, m, n, k, alpha, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, n, scratch);
}

template <typename T> std::size_t gemm_packed_b_bytes(Index n, Index k) {
    return packed::packed_b_bytes<T, kVectorBytes>(n, k);
}

template <typename T> void gemm_pack_b(bool trans_b, Index n, Index k, const T* b, T* packed) {
    packed::pack_b_whole<T, kVectorBytes>(trans_b, b, trans_b ? k : n, n, k, packed);
}

template <typename T>
void gemm_row_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a, Index lda,
                   const T* b, const T* b_packed, T beta, T* c, std::byte* scratch) {
    if (b_packed)
        packed::gemm<T, kVectorBytes>(trans_a, false, m, n, k, alpha, a, lda, nullptr, 0, b_packed, beta, c, n,
                                      scratch);
    else
        gemm_block(trans_a, trans_b, m, n, k, alpha, a, lda, b, trans_b ? k : n, beta, c, n, scratch);
}

#define ANVIL_CPU_GEMM_INSTANTIATE(T)                                                                   \
    template std::size_t gemm_tile_bytes<T>(Index, Index, Index);                                       \
    template void gemm_tile<T>(bool, bool, Index, Index, Index, T, const T*, const T*, T, T*, std::byte*); \
    template std::size_t gemm_packed_b_bytes<T>(Index, Index);                                          \
    template void gemm_pack_b<T>(bool, Index, Index, const T*, T*);                                     \
    template void gemm_row_tile<T>(bool, bool, Index, Index, Index, T, const T*, Index, const T*, const T*, T, T*, \
                                   std::byte*);
ANVIL_CPU_GEMM_INSTANTIATE(float)
ANVIL_CPU_GEMM_INSTANTIATE(double)
#undef ANVIL_CPU_GEMM_INSTANTIATE

// How the primitive GEMM is spread over threads. Every thread runs its own packed-kernel
// calls on independent parts of c, handed out one at a time (a core taken by another process
// does not stall the other; Eigen's own threading, used before, made its threads wait for each
// other once per block of K and took 141 to 1365 ms instead of 110-120 for g^T x under load):
//  - small output, long K: split K; each thread multiplies its K-slice into a private
//    (m, n) partial and the partials are summed (g^T x: (256, 65536) @ (65536, 256));
//  - many rows: row tiles (x W^T and g W: 65536 rows) of the same kernel the fused
//    composites call per tile;
//  - many columns: column tiles;
//  - anything else (small, or one thread): one call on the calling thread.
CpuDevice::GemmPlan CpuDevice::plan_gemm(Index m, Index n, Index k) const {
    if (max_threads() <= 1) return GemmPlan::single;
    if (m * n <= (Index{1} << 20) && k >= 4 * std::max(m, n) && k >= 2 * kKSliceMin)
        return GemmPlan::split_k;
    if (m >= n && m >= 2 * kGemmTileRows) return GemmPlan::row_tiles;
    if (n > m && n >= 2 * kGemmTileCols) return GemmPlan::col_tiles;
    return GemmPlan::single;
}

template <typename T>
void CpuDevice::gemm_split_k(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha,
                             const T* a, const T* b, T beta, T* c) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    const int threads = max_threads();
    const Index lda = trans_a ? m : k, ldb = trans_b ? k : n;
    // Up to 8 K-slices per thread (of at least kKSliceMin), handed out one at a time: with
    // one slice per thread, a thread whose core another process takes holds up the result.
    // Slice s covers K rows [k0, k1): columns k0.. of a stored (m, k), or rows k0.. of a
    // stored (k, m) (likewise for b). Each thread sums its slices into its own partial.
    const Index slices = std::clamp<Index>(k / kKSliceMin, 1, 8 * Index{threads});
    const Index slice = (k + slices - 1) / slices;
    reserve_thread_scratch(threads, gemm_tile_bytes<T>(m, n, slice));
    WorkspaceLayout layout;
    const std::size_t parts_off = layout.add<T>(static_cast<std::size_t>(threads * m * n));
    workspace_.reserve(layout.bytes());
    T* parts = workspace_.at<T>(parts_off);
    std::array<bool, kMaxThreads> ran{};  // whether thread t has written its partial
    parallel_items(slices, [&](Index s, int thread) {
        const Index k0 = s * slice, k1 = std::min(k, k0 + slice);
        if (k1 <= k0) return;
        const auto t = static_cast<std::size_t>(thread);
        const bool first = !ran[t];
        ran[t] = true;
        gemm_block<T>(trans_a, trans_b, m, n, k1 - k0, T(1), a + (trans_a ? k0 * lda : k0), lda,
                      b + (trans_b ? k0 : k0 * ldb), ldb, first ? T(0) : T(1), parts + thread * m * n, n,
                      thread_scratch_[t].data());
    });
    // c = alpha * sum of the partials + beta * c (beta == 0 ignores c).
    parallel_elements(m * n, [&](Index begin, Index end, int) {
        for (Index i = begin; i < end; ++i) {
            T sum = 0;
            for (int t = 0; t < threads; ++t)
                if (ran[static_cast<std::size_t>(t)]) sum += parts[t * m * n + i];
            c[i] = beta == T(0) ? alpha * sum : alpha * sum + beta * c[i];
        }
    });
}

template <typename T>
void CpuDevice::gemm_tiles(bool by_rows, bool trans_a, bool trans_b, Index m, Index n, Index k,
                           T alpha, const T* a, const T* b, T beta, T* c) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    const Index extent = by_rows ? m : n, step = by_rows ? kGemmTileRows : kGemmTileCols;
    const Index tiles = (extent + step - 1) / step;
    reserve_thread_scratch(threads_for(tiles, 1),
                           by_rows ? gemm_tile_bytes<T>(std::min(m, step), n, k) : gemm_tile_bytes<T>(m, std::min(n, step), k));
    const Index lda = trans_a ? m : k, ldb = trans_b ? k : n;
    T* b_packed = nullptr;
    if (by_rows && pack_b_once(tiles, n)) {
        b_packed = reinterpret_cast<T*>(workspace_.reserve(gemm_packed_b_bytes<T>(n, k)));
        gemm_pack_b<T>(trans_b, n, k, b, b_packed);
    }
    parallel_items(tiles, [&](Index tile, int thread) {
        const Index x0 = tile * step, size = std::min(step, extent - x0);
        std::byte* scratch = thread_scratch_[static_cast<std::size_t>(thread)].data();
        if (by_rows)  // rows x0.. of op(a): rows of a stored (m, k), or columns of a stored (k, m)
            gemm_row_tile<T>(trans_a, trans_b, size, n, k, alpha, a + (trans_a ? x0 : x0 * lda), lda, b, b_packed,
                             beta, c + x0 * n, scratch);
        else  // columns x0.. of op(b): columns of b stored (k, n), or rows of b stored (n, k)
            gemm_block<T>(trans_a, trans_b, m, size, k, alpha, a, lda, b + (trans_b ? x0 * ldb : x0),
                          ldb, beta, c + x0, n, scratch);
    });
}

template <typename T>
void CpuDevice::gemm_single(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha,
                            const T* a, const T* b, T beta, T* c) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    reserve_thread_scratch(1, gemm_tile_bytes<T>(m, n, k));
    gemm_tile<T>(trans_a, trans_b, m, n, k, alpha, a, b, beta, c, thread_scratch_[0].data());
}

void CpuDevice::gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
                     double beta, Tensor& c) {
    const Index m = c.shape()[0], n = c.shape()[1];
    const Index k = trans_a ? a.shape()[0] : a.shape()[1];
    dispatch_float("gemm", a.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T al = static_cast<T>(alpha), be = static_cast<T>(beta);
        const T* ap = a.data_as<T>();
        const T* bp = b.data_as<T>();
        T* cp = c.data_as<T>();
        switch (plan_gemm(m, n, k)) {
            case GemmPlan::split_k: return gemm_split_k<T>(trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
            case GemmPlan::row_tiles: return gemm_tiles<T>(true, trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
            case GemmPlan::col_tiles: return gemm_tiles<T>(false, trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
            case GemmPlan::single: return gemm_single<T>(trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
        }
    });
}

namespace {
// x: (rows, cols) -> out: (cols, rows), in square tiles so reads and writes both stay in
// cache lines already loaded.
template <typename T> void transpose_typed(const T* x, T* out, Index rows, Index cols) {
    constexpr Index kTile = 32;
    const Index row_tiles = (rows + kTile - 1) / kTile;
    const Index grain = std::max<Index>(1, kElementGrain / std::max<Index>(1, kTile * cols));
    parallel_ranges(row_tiles, grain, [&](Index begin, Index end, int) {
        for (Index rt = begin; rt < end; ++rt) {
            const Index r0 = rt * kTile, r1 = std::min(rows, r0 + kTile);
            for (Index c0 = 0; c0 < cols; c0 += kTile) {
                const Index c1 = std::min(cols, c0 + kTile);
                for (Index r = r0; r < r1; ++r)
                    for (Index col = c0; col < c1; ++col) out[col * rows + r] = x[r * cols + col];
            }
        }
    });
}
}  // namespace

void CpuDevice::transpose2d(const Tensor& x, Tensor& out) {
    dispatch_float("transpose", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        transpose_typed(x.data_as<T>(), out.data_as<T>(), x.shape()[0], x.shape()[1]);
    });
}

}  // namespace anvil::cpu
