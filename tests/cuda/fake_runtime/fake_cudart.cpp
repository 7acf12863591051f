// A fake CUDA runtime (libcudart.so.13) with one or more pretend GPUs whose memory is host
// memory; see fake_cuda.h. It implements the runtime calls libanvil-cuda.so imports (which
// depend on the build's architectures: `nm -D --undefined-only libanvil-cuda.so` lists
// them; a missing one makes loading the plugin fail with "undefined symbol"), with the
// signatures of the toolkit's own headers.
#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "fake_cuda.h"

namespace {

struct State {
    std::mutex mutex;
    int device_count = 1;
    std::size_t total_bytes = std::size_t{80} << 30;
    std::size_t used_bytes = 0;
    bool no_image = false;
    bool fault = false;
    struct Allocation {
        std::size_t bytes;
        int device;
    };
    std::unordered_map<void*, Allocation> allocations;
    int current = 0;
    int pool_trims = 0;
    cudaError_t last_error = cudaSuccess;  // of the launches
    dim3 grid, block;
    std::size_t shared = 0;
    void* stream = nullptr;
};

State& state() {
    static State* s = [] {
        auto* fresh = new State;  // never destroyed: kernels unregister after static destructors
        if (const char* v = std::getenv("ANVIL_FAKE_CUDA_DEVICES")) fresh->device_count = std::atoi(v);
        if (const char* v = std::getenv("ANVIL_FAKE_CUDA_MEMORY"))
            fresh->total_bytes = std::strtoull(v, nullptr, 10);
        fresh->no_image = std::getenv("ANVIL_FAKE_CUDA_NO_IMAGE") != nullptr;
        fresh->fault = std::getenv("ANVIL_FAKE_CUDA_FAULT") != nullptr;
        return fresh;
    }();
    return *s;
}

int fake_stream_storage[64];  // distinct non-null addresses for streams and pools
int next_stream = 0;

}  // namespace

extern "C" {

// --- what nvcc's generated host code calls: registration and launches -------------------
void** __cudaRegisterFatBinary(void*) {
    static void* handle = nullptr;
    return &handle;
}
void __cudaRegisterFatBinaryEnd(void**) {}
void __cudaUnregisterFatBinary(void**) {}
void __cudaRegisterFunction(void**, const char*, char*, const char*, int, uint3*, uint3*, dim3*,
                            dim3*, int*) {}
void __cudaRegisterVar(void**, char*, char*, const char*, int, size_t, int, int) {}
unsigned __cudaPushCallConfiguration(dim3 grid, dim3 block, size_t shared, struct CUstream_st* stream) {
    State& s = state();
    s.grid = grid;
    s.block = block;
    s.shared = shared;
    s.stream = stream;
    return 0;
}
cudaError_t __cudaPopCallConfiguration(dim3* grid, dim3* block, size_t* shared, void* stream) {
    State& s = state();
    *grid = s.grid;
    *block = s.block;
    *shared = s.shared;
    *static_cast<void**>(stream) = s.stream;
    return cudaSuccess;
}
cudaError_t __cudaGetKernel(cudaKernel_t* kernel, const void* function) {
    *kernel = reinterpret_cast<cudaKernel_t>(const_cast<void*>(function));
    return cudaSuccess;
}
// Device code cannot run here: every launch fails, as a launch error the runtime reports
// through cudaGetLastError.
cudaError_t __cudaLaunchKernel(cudaKernel_t, dim3, dim3, void**, size_t, cudaStream_t) {
    state().last_error = cudaErrorNotSupported;
    return cudaErrorNotSupported;
}
// CUB's launcher, in builds that include sm_90 code among several architectures.
cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t*, const void*, void**) {
    state().last_error = cudaErrorNotSupported;
    return cudaErrorNotSupported;
}

// --- errors and versions ----------------------------------------------------------------
const char* cudaGetErrorString(cudaError_t error) {
    switch (error) {
        case cudaSuccess: return "no error";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorInvalidDevice: return "invalid device ordinal";
        case cudaErrorNotSupported: return "operation not supported (fake CUDA runtime: no kernels run)";
        case cudaErrorNoKernelImageForDevice: return "no kernel image is available for execution on the device";
        case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
        default: return "fake CUDA runtime error";
    }
}
const char* cudaGetErrorName(cudaError_t error) {
    switch (error) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        case cudaErrorNotSupported: return "cudaErrorNotSupported";
        case cudaErrorNoKernelImageForDevice: return "cudaErrorNoKernelImageForDevice";
        case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
        default: return "cudaErrorUnknown";
    }
}
cudaError_t cudaGetLastError() {
    const cudaError_t error = state().last_error;
    state().last_error = cudaSuccess;
    return error;
}
cudaError_t cudaPeekAtLastError() { return state().last_error; }
cudaError_t cudaRuntimeGetVersion(int* version) {
    *version = CUDART_VERSION;
    return cudaSuccess;
}
cudaError_t cudaDriverGetVersion(int* version) {
    *version = CUDART_VERSION;
    return cudaSuccess;
}

// --- devices ----------------------------------------------------------------------------
cudaError_t cudaGetDeviceCount(int* count) {
    *count = state().device_count;
    return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) {
    State& s = state();
    if (device < 0 || device >= s.device_count) return cudaErrorInvalidDevice;
    s.current = device;
    return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
    *device = state().current;
    return cudaSuccess;
}
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
    if (device < 0 || device >= state().device_count) return cudaErrorInvalidDevice;
    *prop = cudaDeviceProp{};
    std::snprintf(prop->name, sizeof prop->name, "Fake H100 (anvil test double)");
    prop->totalGlobalMem = state().total_bytes;
    prop->major = 9;
    prop->minor = 0;
    prop->multiProcessorCount = 132;
    prop->maxThreadsPerMultiProcessor = 2048;
    prop->maxThreadsPerBlock = 1024;
    prop->warpSize = 32;
    prop->sharedMemPerBlock = 48 * 1024;
    return cudaSuccess;
}
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attribute, int device) {
    if (device < 0 || device >= state().device_count) return cudaErrorInvalidDevice;
    switch (attribute) {
        case cudaDevAttrMemoryPoolsSupported: *value = 1; break;
        case cudaDevAttrComputeCapabilityMajor: *value = 9; break;
        case cudaDevAttrComputeCapabilityMinor: *value = 0; break;
        case cudaDevAttrMultiProcessorCount: *value = 132; break;
        case cudaDevAttrMaxSharedMemoryPerBlock: *value = 48 * 1024; break;
        case cudaDevAttrMaxThreadsPerBlock: *value = 1024; break;
        case cudaDevAttrWarpSize: *value = 32; break;
        default: *value = 0; break;
    }
    return cudaSuccess;
}
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attributes, const void*) {
    if (state().no_image) return cudaErrorNoKernelImageForDevice;
    *attributes = cudaFuncAttributes{};
    attributes->maxThreadsPerBlock = 1024;
    return cudaSuccess;
}
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* blocks, const void*, int,
                                                                   size_t, unsigned int) {
    *blocks = 1;
    return cudaSuccess;
}

// --- streams, memory and copies (device memory is host memory) --------------------------
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int) {
    *stream = reinterpret_cast<cudaStream_t>(&fake_stream_storage[next_stream++ % 32]);
    return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) {
    return state().fault ? cudaErrorIllegalAddress : cudaSuccess;
}
cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device) {
    if (device < 0 || device >= state().device_count) return cudaErrorInvalidDevice;
    *pool = reinterpret_cast<cudaMemPool_t>(&fake_stream_storage[32 + device % 32]);
    return cudaSuccess;
}
cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t, cudaMemPoolAttr, void*) { return cudaSuccess; }
cudaError_t cudaMemPoolTrimTo(cudaMemPool_t, size_t) {
    std::lock_guard<std::mutex> lock(state().mutex);
    ++state().pool_trims;
    return cudaSuccess;
}
cudaError_t cudaMallocAsync(void** ptr, size_t bytes, cudaStream_t) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (bytes > s.total_bytes - s.used_bytes) return cudaErrorMemoryAllocation;
    void* memory = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!memory) return cudaErrorMemoryAllocation;
    s.allocations[memory] = {bytes, s.current};
    s.used_bytes += bytes;
    *ptr = memory;
    return cudaSuccess;
}
cudaError_t cudaFreeAsync(void* ptr, cudaStream_t) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const auto it = s.allocations.find(ptr);
    if (it == s.allocations.end()) return cudaErrorInvalidValue;
    s.used_bytes -= it->second.bytes;
    s.allocations.erase(it);
    std::free(ptr);
    return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    *free_bytes = s.total_bytes - s.used_bytes;
    *total_bytes = s.total_bytes;
    return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind, cudaStream_t) {
    std::memmove(dst, src, bytes);
    return cudaSuccess;
}

int anvil_fake_cuda_pool_trims() { return state().pool_trims; }

int anvil_fake_cuda_device_of(const void* ptr) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const auto it = s.allocations.find(const_cast<void*>(ptr));
    return it == s.allocations.end() ? -1 : it->second.device;
}

}  // extern "C"
