// A fake cuBLAS (libcublas.so.13) for the fake CUDA runtime, whose device memory is host
// memory: GEMMs are computed here, column-major as cuBLAS defines them, after the argument
// checks cuBLAS documents (those of reference BLAS xGEMM), so a wrong transpose flag, operand
// order or leading dimension in the CUDA plugin gives a wrong result or an error in a test
// on any machine. See fake_cuda.h.
#include <cublas_v2.h>

#include <algorithm>
#include <cstdint>

#include "fake_cuda.h"

namespace {

struct Handle {
    cudaStream_t stream = nullptr;  // nullptr: the default stream
};

AnvilFakeGemmCall last_call{};

bool is_transpose(cublasOperation_t op) { return op == CUBLAS_OP_T || op == CUBLAS_OP_C; }

// C (m x n, ldc) = alpha op(A) op(B) + beta C, column-major; beta == 0 ignores C's contents.
template <typename T>
cublasStatus_t column_major_gemm(Handle* handle, cublasOperation_t transa, cublasOperation_t transb,
                                 std::int64_t m, std::int64_t n, std::int64_t k, T alpha,
                                 const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
                                 T beta, T* c, std::int64_t ldc) {
    if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
    const bool ta = is_transpose(transa), tb = is_transpose(transb);
    if (m < 0 || n < 0 || k < 0 || lda < std::max<std::int64_t>(1, ta ? k : m) ||
        ldb < std::max<std::int64_t>(1, tb ? n : k) || ldc < std::max<std::int64_t>(1, m))
        return CUBLAS_STATUS_INVALID_VALUE;
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = 0; i < m; ++i) {
            double sum = 0;
            for (std::int64_t l = 0; l < k; ++l) {
                const T a_il = ta ? a[l + i * lda] : a[i + l * lda];
                const T b_lj = tb ? b[j + l * ldb] : b[l + j * ldb];
                sum += static_cast<double>(a_il) * static_cast<double>(b_lj);
            }
            T& out = c[i + j * ldc];
            out = static_cast<T>(alpha * sum + (beta == T(0) ? 0.0 : beta * static_cast<double>(out)));
        }
    return CUBLAS_STATUS_SUCCESS;
}

void record(Handle* handle, cublasOperation_t transa, cublasOperation_t transb, std::int64_t m,
            std::int64_t n, std::int64_t k, std::int64_t lda, std::int64_t ldb, std::int64_t ldc,
            int compute_type, int data_type) {
    anvil_fake_cuda_run_queued();  // stream order: queued uploads land before the GEMM reads
    const int calls = last_call.calls + 1;
    int device = -1;
    cudaGetDevice(&device);  // the fake runtime's current device
    last_call = {calls, transa, transb, m, n, k, lda, ldb, ldc, compute_type, data_type,
                 handle == nullptr || handle->stream == nullptr, device};
}

}  // namespace

extern "C" {

cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
    *handle = reinterpret_cast<cublasHandle_t>(new Handle);
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
    delete reinterpret_cast<Handle*>(handle);
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream) {
    reinterpret_cast<Handle*>(handle)->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetMathMode(cublasHandle_t, cublasMath_t) { return CUBLAS_STATUS_SUCCESS; }
const char* cublasGetStatusName(cublasStatus_t status) {
    switch (status) {
        case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
        default: return "CUBLAS_STATUS_UNKNOWN";
    }
}
const char* cublasGetStatusString(cublasStatus_t status) {
    switch (status) {
        case CUBLAS_STATUS_SUCCESS: return "success";
        case CUBLAS_STATUS_INVALID_VALUE: return "an invalid value was used as an argument";
        case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
        default: return "fake cuBLAS error";
    }
}

cublasStatus_t cublasGemmEx_64(cublasHandle_t handle, cublasOperation_t transa,
                               cublasOperation_t transb, int64_t m, int64_t n, int64_t k,
                               const void* alpha, const void* a, cudaDataType a_type, int64_t lda,
                               const void* b, cudaDataType b_type, int64_t ldb, const void* beta,
                               void* c, cudaDataType c_type, int64_t ldc,
                               cublasComputeType_t compute_type, cublasGemmAlgo_t) {
    auto* h = reinterpret_cast<Handle*>(handle);
    record(h, transa, transb, m, n, k, lda, ldb, ldc, compute_type, a_type);
    // Only what the plugin uses is implemented: f32 data with an FP32 or TF32 compute type.
    if (a_type != CUDA_R_32F || b_type != CUDA_R_32F || c_type != CUDA_R_32F ||
        (compute_type != CUBLAS_COMPUTE_32F && compute_type != CUBLAS_COMPUTE_32F_FAST_TF32))
        return CUBLAS_STATUS_NOT_SUPPORTED;
    return column_major_gemm(h, transa, transb, m, n, k, *static_cast<const float*>(alpha),
                             static_cast<const float*>(a), lda, static_cast<const float*>(b), ldb,
                             *static_cast<const float*>(beta), static_cast<float*>(c), ldc);
}

cublasStatus_t cublasDgemm_v2_64(cublasHandle_t handle, cublasOperation_t transa,
                                 cublasOperation_t transb, int64_t m, int64_t n, int64_t k,
                                 const double* alpha, const double* a, int64_t lda,
                                 const double* b, int64_t ldb, const double* beta, double* c,
                                 int64_t ldc) {
    auto* h = reinterpret_cast<Handle*>(handle);
    record(h, transa, transb, m, n, k, lda, ldb, ldc, -1, CUDA_R_64F);
    return column_major_gemm(h, transa, transb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc);
}

AnvilFakeGemmCall anvil_fake_cublas_last_gemm() { return last_call; }

}  // extern "C"
