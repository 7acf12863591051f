// Error checking for every CUDA runtime and cuBLAS call of the CUDA backend: a failure becomes
// an anvil::Error naming the op, the API call, the CUDA error string and the sizes involved.
// The detail argument of the macros is only evaluated when the call failed.
#pragma once

#include <cstdint>
#include <string>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

namespace anvil::cuda {

// "[op] call failed: <cudaGetErrorString> (<cudaGetErrorName>); detail". Both also clear the
// runtime's last error (cudaGetLastError), so that a reported failure is not blamed again on
// the next launch.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* op,
                                   const std::string& detail);
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* op,
                                     const std::string& detail);

// Checks the launch that just happened (bad configuration, missing kernel image for this GPU).
// Faults inside a kernel surface later, at the next synchronising call, which is checked too.
void check_launch(const char* op, int device, std::int64_t elements);

// "cuda:0, 1000 elements": the usual detail of a kernel's failure.
std::string elements_detail(int device, std::int64_t elements);

}  // namespace anvil::cuda

#define ANVIL_CUDA_CHECK(call, op, detail)                                        \
    do {                                                                          \
        const cudaError_t anvil_cuda_status_ = (call);                            \
        if (anvil_cuda_status_ != cudaSuccess)                                    \
            ::anvil::cuda::throw_cuda_error(anvil_cuda_status_, #call, op, detail); \
    } while (0)

#define ANVIL_CUBLAS_CHECK(call, op, detail)                                          \
    do {                                                                              \
        const cublasStatus_t anvil_cublas_status_ = (call);                           \
        if (anvil_cublas_status_ != CUBLAS_STATUS_SUCCESS)                            \
            ::anvil::cuda::throw_cublas_error(anvil_cublas_status_, #call, op, detail); \
    } while (0)
