// GEMM through cuBLAS on row-major tensors: the row-major request is mapped to one
// column-major call by common::row_major_gemm_to_column_major (operand swap, no transposed
// copies; tested on the CPU in tests/cuda). f32 runs cublasGemmEx with exact FP32 compute
// unless ANVIL_CUDA_TF32=1; f64 runs cublasDgemm. The 64-bit cuBLAS API takes any size.
#include "anvil/tensor.h"
#include "common/cublas_gemm.h"
#include "cuda_check.h"
#include "cuda_device.h"

namespace anvil::cuda {

namespace {
cublasOperation_t to_cublas(common::BlasTranspose t) {
    return t == common::BlasTranspose::transpose ? CUBLAS_OP_T : CUBLAS_OP_N;
}
}  // namespace

void CudaDevice::gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
                      double beta, Tensor& c) {
    // op(a): (M, K), c: (M, N)
    const std::int64_t k = trans_a ? a.shape()[0] : a.shape()[1];
    gemm_rows("gemm", a.dtype(), trans_a, trans_b, c.shape()[0], c.shape()[1], k, alpha,
              a.data(), b.data(), beta, c.data());
    finish("gemm");
}

void CudaDevice::gemm_rows(const char* op, DType dtype, bool trans_a, bool trans_b,
                           std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
                           const void* a, const void* b, double beta, void* c) {
    if (m == 0 || n == 0) return;
    const KernelContext& ctx = activate(op);
    if (k == 0) {  // an empty sum: c = beta c, where beta == 0 ignores c's contents (even NaN)
        if (beta == 0.0) {
            launch_fill(ctx, dtype, c, m * n, 0.0);
        } else {
            launch_affine(ctx, dtype, c, c, m * n, beta, 0.0);
        }
        return;
    }
    const common::ColumnMajorGemm call = common::row_major_gemm_to_column_major(trans_a, trans_b,
                                                                                m, n, k);
    const void* first = call.first == common::GemmOperand::a ? a : b;
    const void* second = call.second == common::GemmOperand::a ? a : b;
    const auto detail = [&] {
        return name_ + ", M=" + std::to_string(m) + " N=" + std::to_string(n) +
               " K=" + std::to_string(k) + (trans_a ? " trans_a" : "") +
               (trans_b ? " trans_b" : "") + ", " + dtype_name(dtype);
    };
    if (dtype == DType::f64) {
        const double alpha64 = alpha, beta64 = beta;
        ANVIL_CUBLAS_CHECK(
            cublasDgemm_64(cublas_, to_cublas(call.trans_first), to_cublas(call.trans_second),
                           call.m, call.n, call.k, &alpha64, static_cast<const double*>(first),
                           call.ld_first, static_cast<const double*>(second), call.ld_second,
                           &beta64, static_cast<double*>(c), call.ldc),
            op, detail());
        return;
    }
    const float alpha32 = static_cast<float>(alpha), beta32 = static_cast<float>(beta);
    const cublasComputeType_t compute = tf32_ ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    ANVIL_CUBLAS_CHECK(
        cublasGemmEx_64(cublas_, to_cublas(call.trans_first), to_cublas(call.trans_second), call.m,
                        call.n, call.k, &alpha32, first, CUDA_R_32F, call.ld_first, second,
                        CUDA_R_32F, call.ld_second, &beta32, c, CUDA_R_32F, call.ldc, compute,
                        CUBLAS_GEMM_DEFAULT),
        op, detail());
}

}  // namespace anvil::cuda
