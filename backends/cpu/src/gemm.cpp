// GEMM and 2-D transpose of the CPU backend. The primitive GEMM maps the row-major buffers
// as Eigen row-major matrices and lets Eigen 3.4 pick blocking and OpenMP threads; transposes
// become Eigen transpose views, so no operand is copied before the product. gemm_tile runs
// the same Eigen kernel on one thread with packing buffers from the caller's workspace.
#include <algorithm>

#include "cpu_device.h"
#include "kernels.h"
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
    }
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

// c = alpha * mat @ vec + beta * c with every operand a plain contiguous vector or matrix
// map, so Eigen's GEMV writes straight into c (no temporary). beta == 0 ignores c.
template <typename T, typename Mat>
void gemv_into(T* c, Index rows, const Mat& mat, const T* vec, T alpha, T beta) {
    Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>> out(c, rows);
    const Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> v(vec, mat.cols());
    if (beta == T(0)) {
        out.noalias() = alpha * mat * v;
    } else {
        if (beta != T(1)) out *= beta;
        out.noalias() += alpha * mat * v;
    }
}

// m == 1 or n == 1: c is a contiguous vector, and so is the vector operand (a (1, k) row or
// a stored (k, 1) column alike), so the product is a GEMV against the other operand.
template <typename T>
void gemv_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c) {
    if (n == 1) {  // c (m) = op(a) (m, k) @ b (k)
        if (trans_a) gemv_into(c, m, ConstMatrixMap<T>(a, k, m).transpose(), b, alpha, beta);
        else gemv_into(c, m, ConstMatrixMap<T>(a, m, k), b, alpha, beta);
        return;
    }
    // m == 1: c^T (n) = op(b)^T (n, k) @ a^T (k)
    if (trans_b) gemv_into(c, n, ConstMatrixMap<T>(b, n, k), a, alpha, beta);
    else gemv_into(c, n, ConstMatrixMap<T>(b, k, n).transpose(), a, alpha, beta);
}

}  // namespace

template <typename T> std::size_t gemm_tile_bytes(Index m, Index n, Index k) {
    return BorrowedBlocking<T>(m, n, k).bytes();
}

template <typename T>
void gemm_tile(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c, std::byte* scratch) {
    if (m == 1 || n == 1) {  // matrix-vector: Eigen's GEMV needs no packing space
        gemv_tile(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
        return;
    }
    // The blocked kernel accumulates: c = beta c first (beta == 0 overwrites NaN too).
    MatrixMap<T> out(c, m, n);
    if (beta == T(0)) out.setZero();
    else if (beta != T(1)) out *= beta;
    if (k == 0) return;
    BorrowedBlocking<T> blocking(m, n, k);
    blocking.borrow(scratch);
    constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
    // A row-major (m, k) operand is stored as is; a transposed one is op(a) in column-major
    // order with leading dimension m (likewise for b with n).
    if (!trans_a && !trans_b) run_blocked<T, R, R>(m, n, k, alpha, a, k, b, n, c, blocking);
    else if (!trans_a && trans_b) run_blocked<T, R, C>(m, n, k, alpha, a, k, b, k, c, blocking);
    else if (trans_a && !trans_b) run_blocked<T, C, R>(m, n, k, alpha, a, m, b, n, c, blocking);
    else run_blocked<T, C, C>(m, n, k, alpha, a, m, b, k, c, blocking);
}

#define ANVIL_CPU_GEMM_INSTANTIATE(T)                                                                   \
    template void gemm_rows<T>(bool, bool, Index, Index, Index, T, const T*, const T*, T, T*);          \
    template std::size_t gemm_tile_bytes<T>(Index, Index, Index);                                       \
    template void gemm_tile<T>(bool, bool, Index, Index, Index, T, const T*, const T*, T, T*, std::byte*);
ANVIL_CPU_GEMM_INSTANTIATE(float)
ANVIL_CPU_GEMM_INSTANTIATE(double)
#undef ANVIL_CPU_GEMM_INSTANTIATE

void CpuDevice::gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
                     double beta, Tensor& c) {
    const Index m = c.shape()[0], n = c.shape()[1];
    const Index k = trans_a ? a.shape()[0] : a.shape()[1];
    dispatch_float(a.dtype(), "gemm", [&]<typename T>() {
        gemm_rows<T>(trans_a, trans_b, m, n, k, static_cast<T>(alpha), a.data_as<T>(),
                     b.data_as<T>(), static_cast<T>(beta), c.data_as<T>());
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
    dispatch_float(x.dtype(), "transpose", [&]<typename T>() {
        transpose_typed(x.data_as<T>(), out.data_as<T>(), x.shape()[0], x.shape()[1]);
    });
}

}  // namespace anvil::cpu
