// CudaDevice's lifetime, memory, transfers and capability query. The stream is non-blocking
// (it never waits on the legacy default stream) and every call is checked.
#include "cuda_device.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "cuda_check.h"
#include "cuda_memory.h"

namespace anvil::cuda {

namespace {
// The opt-ins ANVIL_CUDA_TF32 and ANVIL_CUDA_SYNC, read once per device at its creation.
bool env_is_one(const char* name) {
    const char* value = std::getenv(name);
    return value && std::strcmp(value, "1") == 0;
}
}  // namespace

CudaDevice::CudaDevice(int index) : index_(index), name_("cuda:" + std::to_string(index)) {
    ctx_.device = index;
    const char* op = "cuda";
    ANVIL_CUDA_CHECK(cudaSetDevice(index), op, name_);
    cudaDeviceProp prop{};
    ANVIL_CUDA_CHECK(cudaGetDeviceProperties(&prop, index), op, name_);
    // Enough resident blocks to fill every SM; grid-stride loops cover the rest.
    ctx_.max_blocks = std::max(1, prop.multiProcessorCount *
                                      std::max(1, prop.maxThreadsPerMultiProcessor / kBlockSize));
    try {
        check_kernel_image(ctx_, name_.c_str());
        configure_memory_pool(index);
        ANVIL_CUDA_CHECK(cudaStreamCreateWithFlags(&ctx_.stream, cudaStreamNonBlocking), op, name_);
        ANVIL_CUBLAS_CHECK(cublasCreate(&cublas_), op, name_);
        ANVIL_CUBLAS_CHECK(cublasSetStream(cublas_, ctx_.stream), op, name_);
        // Exact FP32 unless TF32 is asked for explicitly (then per call, in cuda_gemm.cpp).
        ANVIL_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH), op, name_);
    } catch (...) {
        if (cublas_) cublasDestroy(cublas_);
        if (ctx_.stream) cudaStreamDestroy(ctx_.stream);
        throw;
    }
    tf32_ = env_is_one("ANVIL_CUDA_TF32");
    sync_ops_ = env_is_one("ANVIL_CUDA_SYNC");
    description_ = std::string(prop.name) + ", " + format_bytes(prop.totalGlobalMem) +
                   ", compute capability " + std::to_string(prop.major) + "." +
                   std::to_string(prop.minor) + ", " + std::to_string(prop.multiProcessorCount) +
                   " SMs" + (tf32_ ? ", TF32 GEMMs (ANVIL_CUDA_TF32=1)" : "") +
                   (sync_ops_ ? ", every op synchronised (ANVIL_CUDA_SYNC=1)" : "");
}

CudaDevice::~CudaDevice() {
    // At process exit the CUDA runtime may be unloaded before this device; the driver then
    // reclaims everything and no call may be made.
    if (cudaSetDevice(index_) == cudaErrorCudartUnloading) return;
    for (const Ones& ones : ones_) free_on_stream(ctx_, ones.data);
    if (cublas_) cublasDestroy(cublas_);
    if (ctx_.stream) {
        cudaStreamSynchronize(ctx_.stream);
        cudaStreamDestroy(ctx_.stream);
    }
}

const KernelContext& CudaDevice::activate(const char* op) const {
    ANVIL_CUDA_CHECK(cudaSetDevice(index_), op, name_);
    return ctx_;
}

void CudaDevice::finish(const char* op) {
    if (!sync_ops_) return;
    ANVIL_CUDA_CHECK(cudaStreamSynchronize(ctx_.stream), op,
                     name_ + ", waiting for this op (ANVIL_CUDA_SYNC=1)");
}

MemoryInfo CudaDevice::memory_info() const {
    activate("memory_info");
    MemoryInfo info;
    ANVIL_CUDA_CHECK(cudaMemGetInfo(&info.free_bytes, &info.total_bytes), "memory_info", name_);
    // The pool keeps freed memory for reuse (configure_memory_pool), and the driver counts it
    // as used; to this process it is free.
    info.free_bytes = std::min(info.total_bytes, info.free_bytes + pool_cached_bytes(index_));
    return info;
}

// fill and copy for every dtype (i64 carries argmax results), every other op of the table
// (anvil/op.h) for f32 and f64; an op newer than this plugin is never claimed.
bool CudaDevice::supports(Op op, DType dtype) const {
    if (op == Op::fill || op == Op::copy) return true;
    switch (op) {
#define ANVIL_CASE_(name, id) case Op::name:
        ANVIL_ALL_OPS(ANVIL_CASE_)
#undef ANVIL_CASE_
            return is_floating(dtype);
    }
    return false;
}

void* CudaDevice::allocate(std::size_t bytes) {
    return allocate_on_stream(activate("allocate"), bytes, "allocate");
}

void CudaDevice::deallocate(void* ptr, std::size_t /*bytes*/) noexcept {
    if (!ptr) return;
    if (cudaSetDevice(index_) == cudaErrorCudartUnloading) return;
    free_on_stream(ctx_, ptr);
}

void CudaDevice::copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                                std::size_t bytes) {
    if (bytes == 0) return;
    const KernelContext& ctx = activate("from_host");
    const auto detail = [&] { return name_ + ", " + std::to_string(bytes) + " bytes"; };
    // Handles are device addresses here, so the offset is pointer arithmetic in the backend.
    void* at = static_cast<std::byte*>(dst) + dst_offset;
    ANVIL_CUDA_CHECK(cudaMemcpyAsync(at, src, bytes, cudaMemcpyHostToDevice, ctx.stream),
                     "from_host", detail());
    // From pageable memory the runtime "might" have read src when the call returns; it does
    // not promise to (only cudaMemcpy does), and the callers (core staging vectors,
    // from_vector temporaries) free src at once. So wait for the copy. A page-locked src is
    // read in stream order, and keeping it alive until then is its owner's business.
    if (sync_ops_ || !is_page_locked(src))
        ANVIL_CUDA_CHECK(cudaStreamSynchronize(ctx.stream), "from_host", detail());
}

void CudaDevice::copy_to_host(void* dst, const void* src, std::size_t src_offset,
                              std::size_t bytes) {
    if (bytes == 0) return;
    const KernelContext& ctx = activate("to_host");
    const std::string detail = name_ + ", " + std::to_string(bytes) + " bytes";
    const void* at = static_cast<const std::byte*>(src) + src_offset;
    ANVIL_CUDA_CHECK(cudaMemcpyAsync(dst, at, bytes, cudaMemcpyDeviceToHost, ctx.stream),
                     "to_host", detail);
    // Also where a fault of any earlier kernel on this stream is reported.
    ANVIL_CUDA_CHECK(cudaStreamSynchronize(ctx.stream), "to_host", detail);
}

void CudaDevice::copy_on_device(void* dst, const void* src, std::size_t bytes) {
    if (bytes == 0) return;
    ANVIL_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice,
                                     activate("copy").stream),
                     "copy", name_ + ", " + std::to_string(bytes) + " bytes");
    finish("copy");
}

void CudaDevice::synchronize() {
    ANVIL_CUDA_CHECK(cudaStreamSynchronize(activate("synchronize").stream), "synchronize", name_);
}

const void* CudaDevice::ones(DType dtype, std::int64_t n) {
    Ones& ones = ones_[dtype == DType::f64 ? 1 : 0];
    if (ones.data && ones.count >= n) return ones.data;
    const KernelContext& ctx = activate("ones");
    free_on_stream(ctx, ones.data);  // stream order: after every queued use of the old vector
    ones = Ones{};
    void* data = allocate_on_stream(ctx, static_cast<std::size_t>(n) * dtype_size(dtype), "ones");
    try {
        launch_fill(ctx, dtype, data, n, 1.0);
    } catch (...) {
        free_on_stream(ctx, data);
        throw;
    }
    ones = Ones{data, n};
    return data;
}

}  // namespace anvil::cuda
