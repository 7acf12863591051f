// GEMM: one launch of the tiled kernel (kernels/gemm.cl) on the row-major buffers, transposes
// read in place. docs/performance.md compares it with CLBlast on PoCL at the SIREN shapes.
#include "anvil/dispatch.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {
constexpr std::size_t kTile = 64;   // ANVIL_GEMM_TILE: c elements per work-group side
constexpr std::size_t kGroup = 16;  // ANVIL_GEMM_GROUP: work-items per work-group side
}  // namespace

void OpenclDevice::gemm_buffers(const char* op, DType dtype, bool trans_a, bool trans_b,
                                std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
                                cl_mem a, cl_mem b, double beta, cl_mem c) {
    if (m == 0 || n == 0) return;
    const std::size_t global[2] = {(static_cast<std::size_t>(n) + kTile - 1) / kTile * kGroup,
                                   (static_cast<std::size_t>(m) + kTile - 1) / kTile * kGroup};
    const std::size_t local[2] = {kGroup, kGroup};
    dispatch_float(op, dtype, [&](auto zero) {
        using T = decltype(zero);
        run2d(op, dtype, "gemm_op", global, local, a, b, c, static_cast<cl_long>(m),
              static_cast<cl_long>(n), static_cast<cl_long>(k), static_cast<cl_int>(trans_a),
              static_cast<cl_int>(trans_b), static_cast<T>(alpha), static_cast<T>(beta),
              static_cast<cl_int>(beta == 0.0));
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
