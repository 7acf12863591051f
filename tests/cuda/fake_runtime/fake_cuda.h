// What the fake CUDA runtime and cuBLAS (tests/cuda/fake_runtime) let a test observe and
// configure. The fakes stand in for libcudart.so.13 and libcublas.so.13 (same file names,
// same symbol versions) on machines without a GPU, so the CUDA plugin's host code runs for
// real: device creation and description, stream-ordered memory and its out-of-memory path,
// transfers (device memory is host memory here), launch and cuBLAS error reporting, and every
// GEMM, which the fake cuBLAS computes itself after checking the arguments against the
// preconditions cuBLAS documents. Kernels cannot run: by default a launch fails with
// cudaErrorNotSupported, so ops made of kernels report that error (anvil_fake_cuda_set_launches
// changes that). Where the real runtime leaves room, the fake takes the less forgiving choice,
// so host code that relies on luck fails here:
// - an upload from pageable host memory reads its source only when the stream next
//   synchronises (the runtime "may" stage it at once; it does not promise to);
// - the device's current memory pool, which cudaMallocAsync draws from, is not its default
//   pool; pools keep freed blocks (fragmented: a block is reused only by a request it fits)
//   until a synchronisation finds them above the release threshold, or until trimmed; and
//   cudaMemGetInfo counts a pool's reserved bytes as used, as the driver does;
// - a failed call is also recorded as the last error (cudaGetLastError), as every runtime
//   call's failure is.
//
// Environment, read when the fake runtime first needs it:
//   ANVIL_FAKE_CUDA_DEVICES   device count (default 1)
//   ANVIL_FAKE_CUDA_MEMORY    bytes of device memory (default 80 GiB; nothing is reserved)
//   ANVIL_FAKE_CUDA_NO_IMAGE  set: the build's kernels have no image for this "GPU"
//   ANVIL_FAKE_CUDA_FAULT     set: every stream synchronisation reports an illegal address, as
//                             after a kernel that faulted
#pragma once

#include <cstddef>
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
// Successful cudaMallocAsync calls so far.
long anvil_fake_cuda_allocations();
// cudaStreamSynchronize calls so far.
long anvil_fake_cuda_stream_syncs();

// The pool that cudaMallocAsync draws from on `device` (its current pool).
struct AnvilFakePool {
    std::size_t reserved, used;  // bytes taken from the device; of those, held by allocations
    std::uint64_t release_threshold;
};
AnvilFakePool anvil_fake_cuda_current_pool(int device);

// What a kernel launch does from now on.
enum {
    ANVIL_FAKE_LAUNCH_FAILS = 0,     // fails with cudaErrorNotSupported (the default)
    ANVIL_FAKE_LAUNCH_DOES_NOTHING,  // succeeds and computes nothing (for host-side logic)
    ANVIL_FAKE_LAUNCH_FAULTS,        // succeeds, but the kernel "faults": every stream
                                     // synchronisation from then on reports an illegal
                                     // address, as with ANVIL_FAKE_CUDA_FAULT
};
void anvil_fake_cuda_set_launches(int mode);
// Ends a fault (ANVIL_FAKE_CUDA_FAULT or a faulting launch) so that later tests in the process
// can go on; a real one lasts as long as the process. The last error is left as it is.
void anvil_fake_cuda_clear_fault();
// Completes the queued uploads (the fake cuBLAS calls it before reading device memory).
void anvil_fake_cuda_run_queued();
}
