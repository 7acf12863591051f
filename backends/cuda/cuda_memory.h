// Stream-ordered device memory: every allocation comes from the device's current memory pool
// (the one cudaMallocAsync draws from, cudaDeviceGetMemPool: the default pool unless some
// library called cudaDeviceSetMemPool) in order on the device's stream (cudaMallocAsync /
// cudaFreeAsync), so freeing never waits and memory is only reused after the work queued
// before the free.
#pragma once

#include <cstddef>

#include "launch.h"

namespace anvil::cuda {

// Keeps freed memory in the device's current pool instead of returning it to the driver at
// every synchronisation (the pool's default release threshold is 0). Throws when the device
// has no memory pool support.
void configure_memory_pool(int device);

// Bytes the current pool of `device` holds for reuse (reserved but not in use). They are free
// for this process's allocations, but cudaMemGetInfo counts them as used. 0 when unknown.
std::size_t pool_cached_bytes(int device) noexcept;

// Whether `host` points into page-locked (pinned) memory, which the runtime reads in stream
// order; anything else (pageable, or unknown) gives false.
bool is_page_locked(const void* host) noexcept;

// Throws anvil::OutOfMemoryError naming the bytes asked for (and the free memory) when the
// pool cannot grow. bytes == 0 returns nullptr.
void* allocate_on_stream(const KernelContext& ctx, std::size_t bytes, const char* op);
// Never throws: a failure is reported on stderr (except while the runtime shuts down).
void free_on_stream(const KernelContext& ctx, void* ptr) noexcept;

// Temporary device memory for one launch (CUB's temp storage, intermediate results), freed in
// stream order when it goes out of scope.
class StreamScratch {
public:
    StreamScratch(const KernelContext& ctx, std::size_t bytes, const char* op)
        : ctx_(ctx), data_(allocate_on_stream(ctx, bytes, op)) {}
    ~StreamScratch() { free_on_stream(ctx_, data_); }
    StreamScratch(const StreamScratch&) = delete;
    StreamScratch& operator=(const StreamScratch&) = delete;

    void* data() const { return data_; }
    template <typename T> T* as() const { return static_cast<T*>(data_); }

private:
    KernelContext ctx_;
    void* data_;
};

}  // namespace anvil::cuda
