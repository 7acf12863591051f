// The fake CUDA runtime's state, shared by its two files: fake_cudart.cpp (registration,
// launches, errors, devices) and fake_cudart_memory.cpp (streams, pools, copies). Internal to
// the fake libcudart.so.13; tests observe and configure it through fake_cuda.h.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "fake_cuda.h"

namespace fake {

// A stream-ordered memory pool as the runtime keeps one: `reserved` bytes are taken from the
// device (cudaMemGetInfo no longer counts them as free), `used` of them are held by live
// allocations, the rest are freed blocks cached for reuse. An allocation reuses a cached block
// it fits in, or else takes new memory from the device; so cached blocks can be too small for
// a request (fragmentation) until the pool gives them back: at a stream synchronisation while
// the pool holds more than its release threshold (0 by default, as in CUDA), or at
// cudaMemPoolTrimTo.
struct Pool {
    std::uint64_t release_threshold = 0;
    std::size_t reserved = 0;
    std::size_t used = 0;
    std::multiset<std::size_t> cached;  // block sizes
};

struct Allocation {
    std::size_t bytes;  // asked for
    std::size_t block;  // the pool block that holds it (at least bytes)
    int device;
    Pool* pool;
};

// An upload from pageable memory, not yet done: the source is read when the stream next
// synchronises (or before any later copy or free on a stream), as the runtime may do.
struct QueuedCopy {
    void* dst;
    const void* src;
    std::size_t bytes;
};

struct State {
    std::mutex mutex;  // guards the memory bookkeeping below
    int device_count = 1;
    std::size_t total_bytes = std::size_t{80} << 30;
    bool no_image = false;
    bool fault = false;  // every stream synchronisation reports an illegal address
    int launches = ANVIL_FAKE_LAUNCH_FAILS;
    int current = 0;
    int pool_trims = 0;
    long allocations_made = 0;
    long stream_syncs = 0;
    // Per device: [2 d] its default pool, [2 d + 1] its current pool, which is another one, as
    // after some library called cudaDeviceSetMemPool; cudaMallocAsync draws from the current.
    std::vector<Pool> pools;
    std::map<const char*, Allocation> allocations;      // by start address
    std::map<const char*, std::size_t> page_locked;     // cudaHostRegister'ed ranges
    std::vector<QueuedCopy> queued;
    cudaError_t last_error = cudaSuccess;  // what cudaGetLastError returns (and clears)
    dim3 grid, block;
    std::size_t shared = 0;
    void* stream = nullptr;
};

State& state();

// Records `error` for cudaGetLastError, as a failing runtime call does, and returns it.
cudaError_t fail(cudaError_t error);

// Call with the mutex held.
void run_queued_copies(State& s);

}  // namespace fake
