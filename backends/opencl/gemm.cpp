// GEMM on the row-major buffers, one of two kernels (kernels/gemm.cl): gemm_tiled, local-memory
// tiles for GPUs, transposes read in place; or gemm_vector, explicit 8-wide vectors for CPU
// devices (PoCL), with a transposed b transposed first and long k ranges split into slices whose
// partial products are summed by the reduction kernels. docs/performance.md has both on PoCL
// beside CLBlast.
#include "anvil/dispatch.h"
#include "kernel_source.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {
constexpr std::size_t kTile = 64;          // gemm_tiled: c elements per work-group side
constexpr std::size_t kGroup = 16;         // gemm_tiled: work-items per work-group side
constexpr std::int64_t kSlice = 1024;      // gemm_vector: k values per slice
constexpr std::size_t kVectorRows = 4;     // gemm_vector: rows of c per work-item
constexpr std::size_t kVectorColumns = 8;  // gemm_vector: columns of c per work-item
}  // namespace

void OpenclDevice::gemm_buffers(const char* op, DType dtype, bool trans_a, bool trans_b,
                                std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
                                cl_mem a, cl_mem b, double beta, cl_mem c) {
    if (m == 0 || n == 0) return;
    const cl_int beta_zero = beta == 0.0 ? 1 : 0;
    if (!vector_gemm_) {
        const std::size_t global[2] = {(static_cast<std::size_t>(n) + kTile - 1) / kTile * kGroup,
                                       (static_cast<std::size_t>(m) + kTile - 1) / kTile * kGroup};
        const std::size_t local[2] = {kGroup, kGroup};
        dispatch_float(op, dtype, [&](auto zero) {
            using T = decltype(zero);
            run_nd(op, dtype, "gemm_tiled", 2, global, local, a, b, c, static_cast<cl_long>(m),
                   static_cast<cl_long>(n), static_cast<cl_long>(k), static_cast<cl_int>(trans_a),
                   static_cast<cl_int>(trans_b), static_cast<T>(alpha), static_cast<T>(beta),
                   beta_zero);
        });
        return;
    }
    // b must be (K, N) row-major: a transposed b, stored (N, K), is transposed first.
    Tensor b_rows;
    if (trans_b && k > 0) {
        b_rows = Tensor::empty(Shape{k * n}, dtype, shared_from_this());
        transpose_buffers(op, dtype, b, mem(b_rows), n, k);
        b = mem(b_rows);
    }
    const std::int64_t slices = k > kSlice ? (k + kSlice - 1) / kSlice : 1;
    // One slice writes c itself; several write partials (slices, M, N), summed below.
    Tensor partials;
    if (slices > 1) partials = Tensor::empty(Shape{slices * m * n}, dtype, shared_from_this());
    const std::size_t global[3] = {(static_cast<std::size_t>(n) + kVectorColumns - 1) / kVectorColumns,
                                   (static_cast<std::size_t>(m) + kVectorRows - 1) / kVectorRows,
                                   static_cast<std::size_t>(slices)};
    const std::size_t local[3] = {8, 4, 1};
    dispatch_float(op, dtype, [&](auto zero) {
        using T = decltype(zero);
        const bool direct = slices == 1;
        run_nd(op, dtype, "gemm_vector", 3, global, local, a, b, direct ? c : mem(partials),
               static_cast<cl_long>(m), static_cast<cl_long>(n), static_cast<cl_long>(k),
               static_cast<cl_int>(trans_a), static_cast<cl_long>(kSlice),
               static_cast<T>(direct ? alpha : 1.0), static_cast<T>(direct ? beta : 0.0),
               direct ? beta_zero : cl_int{1});
        if (direct) return;
        const ReduceGeometry over_slices{1, slices, m * n};
        const int sum = static_cast<int>(ReduceKind::sum);
        if (alpha == 1.0 && beta_zero) {
            reduce_buffers(op, dtype, sum, over_slices, mem(partials), c, false, 1.0);
            return;
        }
        const Tensor total = Tensor::empty(Shape{m * n}, dtype, shared_from_this());
        reduce_buffers(op, dtype, sum, over_slices, mem(partials), mem(total), false, 1.0);
        run(op, dtype, "gemm_combine", static_cast<std::size_t>(m * n), 0, mem(total), c,
            static_cast<cl_long>(m * n), static_cast<T>(alpha), static_cast<T>(beta), beta_zero);
    });
}

// Row-major c = alpha op(a) op(b) + beta c; op(a): (M, K), op(b): (K, N).
void OpenclDevice::gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a,
                        const Tensor& b, double beta, Tensor& c) {
    const std::int64_t m = c.shape()[0], n = c.shape()[1];
    const std::int64_t k = trans_a ? a.shape()[0] : a.shape()[1];
    gemm_buffers("gemm", c.dtype(), trans_a, trans_b, m, n, k, alpha, mem(a), mem(b), beta,
                 mem(c));
}

}  // namespace anvil::opencl
