// The fake CUDA runtime's streams, stream-ordered memory pools, copies and pointer attributes
// (see fake_cuda.h for what it models and why). Device memory is host memory; the pools only
// keep the books of what a real pool would hold, so that the plugin's choice of pool, its
// release threshold, its trimming and its free-memory figures can be checked.
#include <cuda_runtime_api.h>

#include <cstdlib>
#include <cstring>
#include <iterator>

#include "fake_cudart_state.h"

namespace fake {

void run_queued_copies(State& s) {
    for (const QueuedCopy& copy : s.queued) std::memmove(copy.dst, copy.src, copy.bytes);
    s.queued.clear();
}

}  // namespace fake

namespace {

using fake::Allocation;
using fake::fail;
using fake::Pool;
using fake::State;
using fake::state;

Pool& default_pool(State& s, int device) { return s.pools[2 * static_cast<std::size_t>(device)]; }
Pool& current_pool(State& s, int device) { return s.pools[2 * static_cast<std::size_t>(device) + 1]; }

Pool* pool_of(State& s, cudaMemPool_t handle) {
    for (Pool& pool : s.pools)
        if (reinterpret_cast<cudaMemPool_t>(&pool) == handle) return &pool;
    return nullptr;
}

// Bytes the pools of `device` have taken from it.
std::size_t reserved_on(State& s, int device) {
    return default_pool(s, device).reserved + current_pool(s, device).reserved;
}

// Gives cached blocks (largest first) back to the device while the pool holds more than limit.
void release(Pool& pool, std::uint64_t limit) {
    while (pool.reserved > limit && !pool.cached.empty()) {
        const auto largest = std::prev(pool.cached.end());
        pool.reserved -= *largest;
        pool.cached.erase(largest);
    }
}

// The entry of a map keyed by start address whose range holds ptr.
template <typename Map, typename Size>
typename Map::iterator containing(Map& map, const void* ptr, Size size_of) {
    const char* p = static_cast<const char*>(ptr);
    auto it = map.upper_bound(p);
    if (it == map.begin()) return map.end();
    --it;
    return p < it->first + size_of(it->second) ? it : map.end();
}
auto find_allocation(State& s, const void* ptr) {
    return containing(s.allocations, ptr, [](const Allocation& a) { return a.bytes ? a.bytes : 1; });
}
bool page_locked(State& s, const void* ptr) {
    return containing(s.page_locked, ptr, [](std::size_t bytes) { return bytes; }) !=
           s.page_locked.end();
}

int fake_stream_storage[32];  // distinct non-null addresses for streams
int next_stream = 0;

}  // namespace

extern "C" {

// --- streams ----------------------------------------------------------------------------
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int) {
    *stream = reinterpret_cast<cudaStream_t>(&fake_stream_storage[next_stream++ % 32]);
    return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t) {
    std::lock_guard<std::mutex> lock(state().mutex);
    fake::run_queued_copies(state());  // queued work still completes
    return cudaSuccess;
}
// Completes the queued copies; a pool above its release threshold gives cached blocks back.
cudaError_t cudaStreamSynchronize(cudaStream_t) {
    State& s = state();
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        fake::run_queued_copies(s);
        ++s.stream_syncs;
        for (Pool& pool : s.pools) release(pool, pool.release_threshold);
    }
    return s.fault ? fail(cudaErrorIllegalAddress) : cudaSuccess;
}

// --- memory pools -----------------------------------------------------------------------
cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device) {
    State& s = state();
    if (device < 0 || device >= s.device_count) return fail(cudaErrorInvalidDevice);
    *pool = reinterpret_cast<cudaMemPool_t>(&default_pool(s, device));
    return cudaSuccess;
}
cudaError_t cudaDeviceGetMemPool(cudaMemPool_t* pool, int device) {
    State& s = state();
    if (device < 0 || device >= s.device_count) return fail(cudaErrorInvalidDevice);
    *pool = reinterpret_cast<cudaMemPool_t>(&current_pool(s, device));
    return cudaSuccess;
}
cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t handle, cudaMemPoolAttr attribute, void* value) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    Pool* pool = pool_of(s, handle);
    if (!pool || attribute != cudaMemPoolAttrReleaseThreshold) return fail(cudaErrorInvalidValue);
    pool->release_threshold = *static_cast<std::uint64_t*>(value);
    return cudaSuccess;
}
cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t handle, cudaMemPoolAttr attribute, void* value) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    Pool* pool = pool_of(s, handle);
    if (!pool) return fail(cudaErrorInvalidValue);
    auto* out = static_cast<std::uint64_t*>(value);  // these attributes are cuuint64_t
    switch (attribute) {
        case cudaMemPoolAttrReleaseThreshold: *out = pool->release_threshold; break;
        case cudaMemPoolAttrReservedMemCurrent: *out = pool->reserved; break;
        case cudaMemPoolAttrUsedMemCurrent: *out = pool->used; break;
        default: return fail(cudaErrorInvalidValue);
    }
    return cudaSuccess;
}
// Keeps at most min_bytes_to_keep reserved where cached blocks allow (0: gives all back).
cudaError_t cudaMemPoolTrimTo(cudaMemPool_t handle, size_t min_bytes_to_keep) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    Pool* pool = pool_of(s, handle);
    if (!pool) return fail(cudaErrorInvalidValue);
    ++s.pool_trims;
    release(*pool, min_bytes_to_keep);
    return cudaSuccess;
}

// --- allocation -------------------------------------------------------------------------
// From the current device's current pool: a cached block the request fits in, else new memory.
cudaError_t cudaMallocAsync(void** ptr, size_t bytes, cudaStream_t) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.pools.empty()) return fail(cudaErrorNoDevice);
    Pool& pool = current_pool(s, s.current);
    std::size_t block = bytes;
    const auto fit = pool.cached.lower_bound(bytes);
    if (fit != pool.cached.end()) {
        block = *fit;
    } else if (bytes > s.total_bytes - reserved_on(s, s.current)) {
        return fail(cudaErrorMemoryAllocation);
    }
    void* memory = std::aligned_alloc(256, (bytes + 256) / 256 * 256);
    if (!memory) return fail(cudaErrorMemoryAllocation);
    if (fit != pool.cached.end()) {
        pool.cached.erase(fit);
    } else {
        pool.reserved += block;
    }
    pool.used += block;
    s.allocations[static_cast<const char*>(memory)] = {bytes, block, s.current, &pool};
    ++s.allocations_made;
    *ptr = memory;
    return cudaSuccess;
}
// The block goes back to its pool's cache (stream order: after the queued copies).
cudaError_t cudaFreeAsync(void* ptr, cudaStream_t) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    fake::run_queued_copies(s);
    const auto it = s.allocations.find(static_cast<const char*>(ptr));
    if (it == s.allocations.end()) return fail(cudaErrorInvalidValue);
    Pool& pool = *it->second.pool;
    pool.used -= it->second.block;
    pool.cached.insert(it->second.block);
    s.allocations.erase(it);
    std::free(ptr);
    return cudaSuccess;
}
// As the driver sees it: what the pools hold, cached or not, is not free.
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.pools.empty()) return fail(cudaErrorNoDevice);
    *free_bytes = s.total_bytes - reserved_on(s, s.current);
    *total_bytes = s.total_bytes;
    return cudaSuccess;
}

// --- copies and host memory -------------------------------------------------------------
// In stream order. An upload from pageable memory is queued and reads its source only when
// the stream synchronises (or another copy or free comes first); every other copy is done now.
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    fake::run_queued_copies(s);
    if (kind == cudaMemcpyHostToDevice && !page_locked(s, src)) {
        s.queued.push_back({dst, src, bytes});
    } else {
        std::memmove(dst, src, bytes);
    }
    return cudaSuccess;
}
cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attributes, const void* ptr) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    *attributes = cudaPointerAttributes{};
    attributes->type = cudaMemoryTypeUnregistered;  // pageable host memory (CUDA 11 and later)
    if (const auto it = find_allocation(s, ptr); it != s.allocations.end()) {
        attributes->type = cudaMemoryTypeDevice;
        attributes->device = it->second.device;
        attributes->devicePointer = const_cast<void*>(ptr);
    } else if (page_locked(s, ptr)) {
        attributes->type = cudaMemoryTypeHost;
        attributes->device = s.current;
        attributes->hostPointer = const_cast<void*>(ptr);
        attributes->devicePointer = const_cast<void*>(ptr);
    }
    return cudaSuccess;
}
// Page-locks host memory (tests use it to make a pinned source).
cudaError_t cudaHostRegister(void* ptr, size_t size, unsigned int) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!ptr || size == 0) return fail(cudaErrorInvalidValue);
    s.page_locked[static_cast<const char*>(ptr)] = size;
    return cudaSuccess;
}
cudaError_t cudaHostUnregister(void* ptr) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.page_locked.erase(static_cast<const char*>(ptr)) == 0)
        return fail(cudaErrorHostMemoryNotRegistered);
    return cudaSuccess;
}

// --- what tests observe (fake_cuda.h) ---------------------------------------------------
int anvil_fake_cuda_pool_trims() { return state().pool_trims; }
long anvil_fake_cuda_allocations() { return state().allocations_made; }
long anvil_fake_cuda_stream_syncs() { return state().stream_syncs; }

int anvil_fake_cuda_device_of(const void* ptr) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const auto it = find_allocation(s, ptr);
    return it == s.allocations.end() ? -1 : it->second.device;
}

AnvilFakePool anvil_fake_cuda_current_pool(int device) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const Pool& pool = current_pool(s, device);
    return {pool.reserved, pool.used, pool.release_threshold};
}

void anvil_fake_cuda_run_queued() {
    std::lock_guard<std::mutex> lock(state().mutex);
    fake::run_queued_copies(state());
}

}  // extern "C"
