// The cpu backend and its one device: identity, description, capability table and the
// factory the registrar calls. Kernels are in the per-family files next to this one.
#include "cpu_device.h"

#include <fstream>
#include <string>

#include "parallel.h"

namespace anvil::cpu {

std::string cpu_model_name() {
    std::ifstream file("/proc/cpuinfo");
    std::string line;
    while (std::getline(file, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos) break;
        const auto start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? "unknown CPU" : line.substr(start);
    }
    return "unknown CPU";
}

// What this build was compiled for (ANVIL_NATIVE tunes it to the build machine).
std::string simd_level() {
#if defined(__AVX512F__)
    return "AVX-512";
#elif defined(__AVX2__)
    return "AVX2";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE2__)
    return "SSE2";
#else
    return "scalar";
#endif
}

int thread_count() { return omp_get_max_threads(); }

CpuDevice::CpuDevice() = default;

std::string CpuDevice::description() const {
    const MemoryInfo mem = memory_info();
    const int threads = thread_count();
    return cpu_model_name() + ", " + simd_level() + " (Eigen " +
           std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) + "), " + std::to_string(threads) + " OpenMP thread" +
           (threads == 1 ? "" : "s") + ", " + format_bytes(mem.total_bytes) + " RAM";
}

// Every op of the table (anvil/op.h), f32 and f64: each family's kernel switches over its enum
// without default:, so an op added to the table fails to compile until it has a case here.
bool CpuDevice::supports(Op op, DType dtype) const {
    // i64 only carries argmax results: it can be filled and copied, nothing else.
    if (dtype == DType::i64) return op == Op::fill || op == Op::copy;
    switch (op) {
#define ANVIL_CASE_(name, id) case Op::name:
        ANVIL_ALL_OPS(ANVIL_CASE_)
#undef ANVIL_CASE_
            return is_floating(dtype);
    }
    return false;  // an op newer than this plugin
}

std::string CpuBackend::description() const {
    return "host CPU: packed " + simd_level() + " GEMM, OpenMP-parallel " + simd_level() +
           " kernels (Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + " element math), fused SIREN composites";
}

std::shared_ptr<Device> CpuBackend::create_device(int) { return std::make_shared<CpuDevice>(); }

// Called by the registrar (cpu_registrar.cpp) once the core has chosen this build.
Backend* make_backend() { return new CpuBackend(); }

}  // namespace anvil::cpu
