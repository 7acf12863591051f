// The "cuda" backend: NVIDIA GPUs through the CUDA runtime, cuBLAS and CUB. Loading the plugin
// never needs a GPU: the first availability query asks the runtime for devices, and when there
// is no driver or no GPU the backend is unavailable with the runtime's own reason.
#include <mutex>

#include "anvil/plugin.h"
#include "cuda_device.h"

#ifndef ANVIL_CUDA_ARCHITECTURES
#define ANVIL_CUDA_ARCHITECTURES "unknown"
#endif

namespace anvil::cuda {

namespace {

std::string version_text(int version) {  // 13000 -> "13.0"
    return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

struct Probe {
    int device_count = 0;
    Availability availability;
};

Probe probe_devices() {
    Probe probe;
    int runtime = 0, driver = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);  // 0 when no driver is installed
    const cudaError_t status = cudaGetDeviceCount(&probe.device_count);
    if (status != cudaSuccess) {
        cudaGetLastError();  // leave no error behind for later calls
        probe.device_count = 0;
        const std::string runtime_says = std::string("cudaGetDeviceCount: ") +
                                         cudaGetErrorString(status) + " (" +
                                         cudaGetErrorName(status) + ")";
        if (driver == 0) {
            probe.availability.reason = "no NVIDIA driver found (" + runtime_says + ")";
        } else if (status == cudaErrorInsufficientDriver) {
            probe.availability.reason = "the NVIDIA driver supports CUDA " + version_text(driver) +
                                        ", this build needs CUDA " + version_text(runtime) +
                                        " (" + runtime_says + ")";
        } else {
            probe.availability.reason = runtime_says;
        }
    } else if (probe.device_count == 0) {
        probe.availability.reason = "no CUDA-capable GPU found (cudaGetDeviceCount returned 0)";
    } else {
        probe.availability.available = true;
    }
    return probe;
}

class CudaBackend final : public Backend {
public:
    std::string name() const override { return "cuda"; }
    std::string description() const override {
        int runtime = 0;
        cudaRuntimeGetVersion(&runtime);
        return "NVIDIA GPUs: CUDA runtime " + version_text(runtime) +
               ", cuBLAS, CUB; kernels for CUDA architectures " ANVIL_CUDA_ARCHITECTURES;
    }
    Availability availability() const override { return probe().availability; }
    int device_count() const override { return probe().device_count; }
    int priority() const override { return 100; }

protected:
    std::shared_ptr<Device> create_device(int index) override {
        return std::make_shared<CudaDevice>(index);
    }

private:
    // Asked once: device enumeration does not change within a process.
    const Probe& probe() const {
        std::call_once(probed_, [this] { probe_ = probe_devices(); });
        return probe_;
    }
    mutable std::once_flag probed_;
    mutable Probe probe_;
};

}  // namespace

}  // namespace anvil::cuda

ANVIL_REGISTER_BACKEND(anvil::cuda::CudaBackend)
