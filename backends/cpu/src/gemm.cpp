// GEMM and 2-D transpose of the CPU backend. GEMM maps the row-major buffers as Eigen
// row-major matrices and lets Eigen 3.4 pick blocking and OpenMP threads; transposes
// become Eigen transpose views, so no operand is ever copied before the product.
#include <algorithm>

#include "cpu_device.h"
#include "kernels.h"

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

template void gemm_rows<float>(bool, bool, Index, Index, Index, float, const float*,
                               const float*, float, float*);
template void gemm_rows<double>(bool, bool, Index, Index, Index, double, const double*,
                                const double*, double, double*);

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
