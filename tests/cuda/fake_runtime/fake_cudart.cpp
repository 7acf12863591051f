// A fake CUDA runtime (libcudart.so.13) with one or more pretend GPUs whose memory is host
// memory; see fake_cuda.h. It implements the runtime calls libanvil-cuda.so imports (which
// depend on the build's architectures: `nm -D --undefined-only libanvil-cuda.so` lists
// them; a missing one makes loading the plugin fail with "undefined symbol"), with the
// signatures of the toolkit's own headers. This file: registration, launches, errors and
// devices; fake_cudart_memory.cpp: streams, memory and copies.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fake_cudart_state.h"

namespace fake {

State& state() {
    static State* s = [] {
        auto* fresh = new State;  // never destroyed: kernels unregister after static destructors
        if (const char* v = std::getenv("ANVIL_FAKE_CUDA_DEVICES")) fresh->device_count = std::atoi(v);
        if (const char* v = std::getenv("ANVIL_FAKE_CUDA_MEMORY"))
            fresh->total_bytes = std::strtoull(v, nullptr, 10);
        fresh->no_image = std::getenv("ANVIL_FAKE_CUDA_NO_IMAGE") != nullptr;
        fresh->fault = std::getenv("ANVIL_FAKE_CUDA_FAULT") != nullptr;
        fresh->pools.resize(2 * static_cast<std::size_t>(std::max(fresh->device_count, 0)));
        return fresh;
    }();
    return *s;
}

cudaError_t fail(cudaError_t error) {
    state().last_error = error;
    return error;
}

}  // namespace fake

namespace {

using fake::fail;
using fake::State;
using fake::state;

// A launch fails, does nothing, or "faults" (anvil_fake_cuda_set_launches).
cudaError_t launch() {
    switch (state().launches) {
        case ANVIL_FAKE_LAUNCH_DOES_NOTHING: return cudaSuccess;
        case ANVIL_FAKE_LAUNCH_FAULTS: state().fault = true; return cudaSuccess;
        default: return fail(cudaErrorNotSupported);  // device code cannot run here
    }
}

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
// A failed launch is reported through cudaGetLastError (check_launch) or, by CUB, through
// cudaPeekAtLastError, which leaves it set.
cudaError_t __cudaLaunchKernel(cudaKernel_t, dim3, dim3, void**, size_t, cudaStream_t) {
    return launch();
}
// CUB's launcher, in builds that include sm_90 code among several architectures.
cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t*, const void*, void**) {
    return launch();
}

// --- errors and versions ----------------------------------------------------------------
const char* cudaGetErrorString(cudaError_t error) {
    switch (error) {
        case cudaSuccess: return "no error";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorInvalidValue: return "invalid argument";
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
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
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
    if (device < 0 || device >= s.device_count) return fail(cudaErrorInvalidDevice);
    s.current = device;
    return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
    *device = state().current;
    return cudaSuccess;
}
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
    if (device < 0 || device >= state().device_count) return fail(cudaErrorInvalidDevice);
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
    if (device < 0 || device >= state().device_count) return fail(cudaErrorInvalidDevice);
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
    if (state().no_image) return fail(cudaErrorNoKernelImageForDevice);
    *attributes = cudaFuncAttributes{};
    attributes->maxThreadsPerBlock = 1024;
    // The image the "GPU" (9.0) would run; CUB picks its tuning policy by ptxVersion and
    // refuses to launch (cudaErrorInvalidDeviceFunction) when it matches no built architecture.
    attributes->ptxVersion = 90;
    attributes->binaryVersion = 90;
    return cudaSuccess;
}
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* blocks, const void*, int,
                                                                   size_t, unsigned int) {
    *blocks = 1;
    return cudaSuccess;
}

// Streams, memory pools, copies and pointer attributes: fake_cudart_memory.cpp.

void anvil_fake_cuda_set_launches(int mode) { state().launches = mode; }
void anvil_fake_cuda_clear_fault() { state().fault = false; }

}  // extern "C"
