// GEMM and 2-D transpose of the CPU backend, all on Eigen 3.4's blocked GEMM kernel with the
// row-major buffers mapped in place (transposes are Eigen transpose views; no operand is
// copied first). gemm_tile runs the kernel on the calling thread with packing buffers from
// the caller's workspace; the primitive GEMM spreads such calls over threads (plan_gemm) or
// leaves the threading to Eigen.
#include <algorithm>
#include <array>

#include "cpu_device.h"
#include "gemm_kernels.h"
#include "workspace.h"

namespace anvil::cpu {

template <typename T>
void gemm_rows(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c) {
    MatrixMap<T> out(c, m, n);
    auto run = [&](const auto& lhs, const auto& rhs) {
        if (beta == T(0)) {
            out.noalias() = alpha * lhs * rhs;  // Eigen zeroes out first: NaN in c is ignored
        } else {
            if (beta != T(1)) out *= beta;
            out.noalias() += alpha * lhs * rhs;
        }
    };
    // a: (m, k) or stored (k, m); b: (k, n) or stored (n, k).
    const ConstMatrixMap<T> a_map(a, trans_a ? k : m, trans_a ? m : k);
    const ConstMatrixMap<T> b_map(b, trans_b ? n : k, trans_b ? k : n);
    if (!trans_a && !trans_b) run(a_map, b_map);
    else if (!trans_a && trans_b) run(a_map, b_map.transpose());
    else if (trans_a && !trans_b) run(a_map.transpose(), b_map);
    else run(a_map.transpose(), b_map.transpose());
}

namespace {

// Eigen's GEMM blocking (kc, mc, nc as Eigen computes them for one thread) with packing
// buffers borrowed from the caller. Dimensions are those of the column-major problem Eigen
// solves for a row-major result: rows = n, cols = m.
template <typename T> class BorrowedBlocking : public Eigen::internal::level3_blocking<T, T> {
public:
    BorrowedBlocking(Index m, Index n, Index k) {
        this->m_mc = n;
        this->m_nc = m;
        this->m_kc = k;
        Eigen::internal::computeProductBlockingSizes<T, T, 1>(this->m_kc, this->m_mc, this->m_nc, Index{1});
        // When all of K fits one block, Eigen packs the rhs once and sweeps it with each lhs
        // block; lhs blocks of 16 rows (one AVX-512 register tall, 16 KiB at K = 256, so
        // they stay in L1) then run the kernel at 98 GFLOP/s per core instead of 78 with
        // Eigen's 144-256 (measured at SIREN tile shapes, docs/performance.md). With K split
        // into blocks the rhs would be repacked per lhs block, so Eigen's choice stays.
        if (this->m_kc >= k) this->m_mc = std::min<Index>(this->m_mc, kLhsBlockRows);
    }
    static constexpr Index kLhsBlockRows = 16;
    std::size_t a_bytes() const { return round_up(sizeof(T) * static_cast<std::size_t>(this->m_kc * this->m_mc)); }
    std::size_t bytes() const { return a_bytes() + round_up(sizeof(T) * static_cast<std::size_t>(this->m_kc * this->m_nc)); }
    void borrow(std::byte* scratch) {
        this->m_blockA = reinterpret_cast<T*>(scratch);
        this->m_blockB = reinterpret_cast<T*>(scratch + a_bytes());
    }
};

// Calls Eigen's sequential blocked GEMM for row-major c with a and b in the given orders.
template <typename T, int LhsOrder, int RhsOrder>
void run_blocked(Index m, Index n, Index k, T alpha, const T* a, Index lda, const T* b, Index ldb,
                 T* c, BorrowedBlocking<T>& blocking) {
    Eigen::internal::general_matrix_matrix_product<Index, T, LhsOrder, false, T, RhsOrder, false,
                                                   Eigen::RowMajor, 1>::run(m, n, k, a, lda, b, ldb, c, 1,
                                                                             n, alpha, blocking, nullptr);
}

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

// gemm_tile with explicit leading dimensions (elements between stored rows) of a and b, so
// a K-slice of a larger operand can be passed in place. c is contiguous (m, n).
template <typename T>
void gemm_block(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
                Index lda, const T* b, Index ldb, T beta, T* c, std::byte* scratch) {
    if (m == 1 || n == 1) {  // matrix-vector: Eigen's GEMV needs no packing space
        gemv_block(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c);
        return;
    }
    // The blocked kernel accumulates: c = beta c first (beta == 0 overwrites NaN too).
    MatrixMap<T> out(c, m, n);
    if (beta == T(0)) out.setZero();
    else if (beta != T(1)) out *= beta;
    if (k == 0) return;
    BorrowedBlocking<T> blocking(m, n, k);
    blocking.borrow(scratch);
    // A transposed operand is op(a) in column-major order with the same leading dimension.
    constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
    if (!trans_a && !trans_b) run_blocked<T, R, R>(m, n, k, alpha, a, lda, b, ldb, c, blocking);
    else if (!trans_a && trans_b) run_blocked<T, R, C>(m, n, k, alpha, a, lda, b, ldb, c, blocking);
    else if (trans_a && !trans_b) run_blocked<T, C, R>(m, n, k, alpha, a, lda, b, ldb, c, blocking);
    else run_blocked<T, C, C>(m, n, k, alpha, a, lda, b, ldb, c, blocking);
}

}  // namespace

template <typename T> std::size_t gemm_tile_bytes(Index m, Index n, Index k) {
    return BorrowedBlocking<T>(m, n, k).bytes();
}

template <typename T>
void gemm_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c, std::byte* scratch) {
    gemm_block(trans_a, trans_b, m, n, k, alpha, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, scratch);
}

#define ANVIL_CPU_GEMM_INSTANTIATE(T)                                                                   \
    template void gemm_rows<T>(bool, bool, Index, Index, Index, T, const T*, const T*, T, T*);          \
    template std::size_t gemm_tile_bytes<T>(Index, Index, Index);                                       \
    template void gemm_tile<T>(bool, bool, Index, Index, Index, T, const T*, const T*, T, T*, std::byte*);
ANVIL_CPU_GEMM_INSTANTIATE(float)
ANVIL_CPU_GEMM_INSTANTIATE(double)
#undef ANVIL_CPU_GEMM_INSTANTIATE

// How the primitive GEMM is spread over threads. Eigen's own threading splits the output and
// makes the threads wait for each other once per block of K: with other processes on the
// cores, a layer's weight gradient (g^T x: 256 x 256 over 65536 rows) took 141 and 1365 ms
// on two threads against 110-120 ms on one (docs/performance.md), and Eigen's threading
// cannot use the faster blocking of BorrowedBlocking. So:
//  - small output, long K: split K; each thread multiplies its K-slice into a private
//    (m, n) partial and the partials are summed;
//  - many rows: row tiles handed to threads one at a time, each an independent Eigen kernel
//    call (the same tiles the fused composites use, so "the step's GEMMs alone" and the step
//    run the same kernel);
//  - anything else: Eigen's own threading.
CpuDevice::GemmPlan CpuDevice::plan_gemm(Index m, Index n, Index k) const {
    if (max_threads() <= 1) return GemmPlan::eigen;
    if (m * n <= (Index{1} << 20) && k >= 4 * std::max(m, n) && k >= 2 * kKSliceMin)
        return GemmPlan::split_k;
    if (m >= 2 * kGemmTileRows) return GemmPlan::row_tiles;
    return GemmPlan::eigen;
}

template <typename T>
void CpuDevice::gemm_split_k(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha,
                             const T* a, const T* b, T beta, T* c) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    const int threads = threads_for(k, kKSliceMin);
    const Index lda = trans_a ? m : k, ldb = trans_b ? k : n;
    // Slice t covers K rows [k0, k1): columns k0.. of a stored (m, k), or rows k0.. of a
    // stored (k, m) (likewise for b).
    const Index slice = (k + threads - 1) / threads;
    // Packing space for every sub-block depth a thread will use: kKDepthBlock and the
    // remainder of its slice. A shallower block can need more (Eigen widens its blocks as
    // kc shrinks), so sizing for kKDepthBlock alone overran the scratch, e.g. (37, 19, 2500).
    std::size_t scratch = 0;
    for (int t = 0; t < threads; ++t) {
        const Index depth = std::min(k, (t + 1) * slice) - t * slice;
        if (depth <= 0) continue;
        scratch = std::max(scratch, gemm_tile_bytes<T>(m, n, std::min(depth, kKDepthBlock)));
        if (depth % kKDepthBlock != 0)
            scratch = std::max(scratch, gemm_tile_bytes<T>(m, n, depth % kKDepthBlock));
    }
    reserve_thread_scratch(threads, scratch);
    WorkspaceLayout layout;
    const std::size_t parts_off = layout.add<T>(static_cast<std::size_t>(threads * m * n));
    workspace_.reserve(layout.bytes());
    T* parts = workspace_.at<T>(parts_off);
    std::array<bool, kMaxThreads> ran{};
    parallel_items(threads, [&](Index t, int thread) {
        const Index k0 = t * slice, k1 = std::min(k, k0 + slice);
        ran[static_cast<std::size_t>(t)] = true;
        // The slice in sub-blocks of kKDepthBlock, accumulated: each call then fits K in one
        // Eigen block (the fast lhs blocking above).
        for (Index kb = k0; kb < k1; kb += kKDepthBlock) {
            gemm_block<T>(trans_a, trans_b, m, n, std::min(kKDepthBlock, k1 - kb), T(1),
                          a + (trans_a ? kb * lda : kb), lda, b + (trans_b ? kb : kb * ldb), ldb,
                          kb == k0 ? T(0) : T(1), parts + t * m * n,
                          thread_scratch_[static_cast<std::size_t>(thread)].data());
        }
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
void CpuDevice::gemm_row_tiles(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha,
                               const T* a, const T* b, T beta, T* c) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    const Index tiles = (m + kGemmTileRows - 1) / kGemmTileRows;
    const Index last = m - (tiles - 1) * kGemmTileRows;
    reserve_thread_scratch(threads_for(tiles, 1), std::max(gemm_tile_bytes<T>(kGemmTileRows, n, k),
                                                            gemm_tile_bytes<T>(last, n, k)));
    const Index lda = trans_a ? m : k, ldb = trans_b ? k : n;
    parallel_items(tiles, [&](Index tile, int thread) {
        const Index r0 = tile * kGemmTileRows, rows = std::min(kGemmTileRows, m - r0);
        // Rows r0.. of op(a): rows of a stored (m, k), or columns of a stored (k, m).
        gemm_block<T>(trans_a, trans_b, rows, n, k, alpha, a + (trans_a ? r0 : r0 * lda), lda, b,
                      ldb, beta, c + r0 * n, thread_scratch_[static_cast<std::size_t>(thread)].data());
    });
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
            case GemmPlan::row_tiles: return gemm_row_tiles<T>(trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
            case GemmPlan::eigen: return gemm_rows<T>(trans_a, trans_b, m, n, k, al, ap, bp, be, cp);
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
