// Stream-ordered allocation from the device's memory pool, with out-of-memory errors that
// say how much was asked for and how much is free.
#include "cuda_memory.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "anvil/error.h"
#include "cuda_check.h"

namespace anvil::cuda {

namespace {
// Never the default pool (cudaDeviceGetDefaultMemPool): settings and trims there would miss
// the memory cudaMallocAsync hands out whenever the two differ.
cudaError_t current_pool(int device, cudaMemPool_t* pool) {
    return cudaDeviceGetMemPool(pool, device);
}
}  // namespace

void configure_memory_pool(int device) {
    const std::string where = "cuda:" + std::to_string(device);
    int supported = 0;
    ANVIL_CUDA_CHECK(cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, device),
                     "cuda", where);
    if (!supported)
        throw Error("[cuda] " + where +
                    " does not support stream-ordered memory pools (cudaMallocAsync), which "
                    "the CUDA backend needs");
    cudaMemPool_t pool = nullptr;
    ANVIL_CUDA_CHECK(current_pool(device, &pool), "cuda", where);
    std::uint64_t keep_everything = UINT64_MAX;
    ANVIL_CUDA_CHECK(
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_everything),
        "cuda", where);
}

void* allocate_on_stream(const KernelContext& ctx, std::size_t bytes, const char* op) {
    if (bytes == 0) return nullptr;
    void* ptr = nullptr;
    cudaError_t status = cudaMallocAsync(&ptr, bytes, ctx.stream);
    if (status == cudaErrorMemoryAllocation) {
        // The pool keeps freed blocks (configure_memory_pool); they may be too fragmented for
        // this request. Wait until no queued work uses them, hand them back, and try once more.
        cudaGetLastError();  // an allocation failure is not sticky; clear it for later checks
        cudaMemPool_t pool = nullptr;
        if (cudaStreamSynchronize(ctx.stream) == cudaSuccess &&
            current_pool(ctx.device, &pool) == cudaSuccess &&
            cudaMemPoolTrimTo(pool, 0) == cudaSuccess)
            status = cudaMallocAsync(&ptr, bytes, ctx.stream);
    }
    if (status == cudaSuccess) return ptr;
    const std::string where = "cuda:" + std::to_string(ctx.device);
    if (status != cudaErrorMemoryAllocation)
        throw_cuda_error(status, "cudaMallocAsync", op,
                         where + ", " + std::to_string(bytes) + " bytes");
    cudaGetLastError();
    std::string free_text;
    std::size_t free_bytes = 0, total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess)
        free_text = " (" + format_bytes(free_bytes + pool_cached_bytes(ctx.device)) + " free of " +
                    format_bytes(total_bytes) + ")";
    else
        cudaGetLastError();
    throw OutOfMemoryError("[" + std::string(op) + "] out of memory on " + where +
                               ": cudaMallocAsync could not allocate " + format_bytes(bytes) +
                               " (" + std::to_string(bytes) + " bytes)" + free_text,
                           bytes);
}

void free_on_stream(const KernelContext& ctx, void* ptr) noexcept {
    if (!ptr) return;
    const cudaError_t status = cudaFreeAsync(ptr, ctx.stream);
    if (status == cudaSuccess) return;
    cudaGetLastError();  // reported here, not by the next launch check
    // At process exit the runtime may be gone before the last tensors; nothing to report then.
    if (status != cudaErrorCudartUnloading)
        std::fprintf(stderr, "[cuda] cudaFreeAsync failed on cuda:%d: %s (%s)\n", ctx.device,
                     cudaGetErrorString(status), cudaGetErrorName(status));
}

std::size_t pool_cached_bytes(int device) noexcept {
    cudaMemPool_t pool = nullptr;
    std::uint64_t reserved = 0, used = 0;
    const auto get = [&](cudaMemPoolAttr attribute, std::uint64_t* value) {
        return cudaMemPoolGetAttribute(pool, attribute, value) == cudaSuccess;
    };
    if (current_pool(device, &pool) != cudaSuccess ||
        !get(cudaMemPoolAttrReservedMemCurrent, &reserved) ||
        !get(cudaMemPoolAttrUsedMemCurrent, &used)) {
        cudaGetLastError();
        return 0;
    }
    return reserved > used ? static_cast<std::size_t>(reserved - used) : 0;
}

bool is_page_locked(const void* host) noexcept {
    cudaPointerAttributes attributes{};
    if (cudaPointerGetAttributes(&attributes, host) != cudaSuccess) {
        cudaGetLastError();  // before CUDA 11 a pageable pointer was an error; still pageable
        return false;
    }
    return attributes.type == cudaMemoryTypeHost;
}

}  // namespace anvil::cuda
