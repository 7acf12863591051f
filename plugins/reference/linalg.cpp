// Linear algebra: the row-major GEMM with transpose flags, alpha and beta, and the 2-D
// transpose. The textbook triple loop, accumulating in double; fast backends call BLAS-like
// libraries (Eigen, cuBLAS) for the same contract.
#include <cstdint>

#include "reference_device.h"

namespace anvil::reference {

// c = alpha * op(a) @ op(b) + beta * c, with op(a): (M, K), op(b): (K, N), c: (M, N).
// a is stored (M, K), or (K, M) when trans_a; b is stored (K, N), or (N, K) when trans_b.
// K may be 0 (then c = beta * c); the core never calls with M or N equal to 0.
void ReferenceDevice::gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a,
                           const Tensor& b, double beta, Tensor& c) {
    const std::int64_t m = c.shape()[0];
    const std::int64_t n = c.shape()[1];
    const std::int64_t k = trans_a ? a.shape()[0] : a.shape()[1];
    dispatch_float("gemm", a.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* pa = a.data_as<T>();
        const T* pb = b.data_as<T>();
        T* pc = c.data_as<T>();
        auto a_at = [&](std::int64_t i, std::int64_t p) {  // op(a)[i][p]
            return static_cast<double>(trans_a ? pa[p * m + i] : pa[i * k + p]);
        };
        auto b_at = [&](std::int64_t p, std::int64_t j) {  // op(b)[p][j]
            return static_cast<double>(trans_b ? pb[j * k + p] : pb[p * n + j]);
        };
        for (std::int64_t i = 0; i < m; ++i) {
            for (std::int64_t j = 0; j < n; ++j) {
                double acc = 0.0;
                for (std::int64_t p = 0; p < k; ++p) acc += a_at(i, p) * b_at(p, j);
                double result = alpha * acc;
                // BLAS convention: with beta == 0, c is write-only. Reading it would turn
                // uninitialised memory (possibly NaN) into 0 * NaN = NaN in the result.
                if (beta != 0.0) result += beta * static_cast<double>(pc[i * n + j]);
                pc[i * n + j] = static_cast<T>(result);
            }
        }
    });
}

// x: (R, C) -> out: (C, R), out[c][r] = x[r][c].
void ReferenceDevice::transpose2d(const Tensor& x, Tensor& out) {
    const std::int64_t rows = x.shape()[0];
    const std::int64_t cols = x.shape()[1];
    dispatch_float("transpose", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* dst = out.data_as<T>();
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t col = 0; col < cols; ++col) dst[col * rows + r] = in[r * cols + col];
    });
}

}  // namespace anvil::reference
