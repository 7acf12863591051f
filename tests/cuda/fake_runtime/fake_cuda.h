// What the fake CUDA runtime and cuBLAS (tests/cuda/fake_runtime) let a test observe and
// configure. The fakes stand in for libcudart.so.13 and libcublas.so.13 (same file names,
// same symbol versions) on machines without a GPU, so the CUDA plugin's host code runs for
// real: device creation and description, stream-ordered memory and its out-of-memory path,
// transfers (device memory is host memory here), launch and cuBLAS error reporting, and every
// GEMM, which the fake cuBLAS computes itself after checking the arguments against the
// preconditions cuBLAS documents. Kernels cannot run: a launch fails with
// cudaErrorNotSupported, so ops made of kernels report that error.
//
// Environment, read when the fake runtime first needs it:
//   ANVIL_FAKE_CUDA_DEVICES   device count (default 1)
//   ANVIL_FAKE_CUDA_MEMORY    bytes of device memory (default 80 GiB; nothing is reserved)
//   ANVIL_FAKE_CUDA_NO_IMAGE  set: the build's kernels have no image for this "GPU"
//   ANVIL_FAKE_CUDA_FAULT     set: every stream synchronisation reports an illegal address, as
//                             after a kernel that faulted
#pragma once

#include <cstdint>

extern "C" {

// The last GEMM the fake cuBLAS ran.
struct AnvilFakeGemmCall {
    int calls;           // GEMMs run so far
    int transa, transb;  // cublasOperation_t
    std::int64_t m, n, k, lda, ldb, ldc;
    int compute_type;  // cublasComputeType_t; -1 for cublasDgemm
    int data_type;     // cudaDataType of A, B and C (CUDA_R_32F or CUDA_R_64F)
    bool on_default_stream;  // cublasSetStream was never given a stream
    int device;              // the current device (cudaGetDevice) during the call
};
AnvilFakeGemmCall anvil_fake_cublas_last_gemm();

// Calls of cudaMemPoolTrimTo so far (the out-of-memory retry trims the pool).
int anvil_fake_cuda_pool_trims();
// The device that was current (cudaSetDevice) when `ptr` was allocated; -1 if unknown.
int anvil_fake_cuda_device_of(const void* ptr);
}
