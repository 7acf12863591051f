// The "opencl" backend: every OpenCL device of every platform (PoCL on the CPU in CI; NVIDIA,
// AMD and Intel GPUs through their drivers). Loading the plugin needs no OpenCL at all: the
// runtime is opened at the first availability query (cl_api.cpp), and without a runtime, a
// platform or a device the backend is unavailable with the reason.
#include <mutex>

#include "anvil/plugin.h"
#include "opencl_device.h"
#include "platform.h"

namespace anvil::opencl {

namespace {

class OpenclBackend final : public Backend {
public:
    std::string name() const override { return "opencl"; }
    std::string description() const override {
        return "OpenCL 1.2+ devices of any platform: kernels compiled at run time from source "
               "embedded in the plugin, cached on disk";
    }
    Availability availability() const override { return probe().availability; }
    int device_count() const override { return static_cast<int>(probe().devices.size()); }
    // Below cpu (50) and cuda (100): `auto` never picks PoCL over the native CPU backend, nor
    // a GPU's OpenCL driver over its CUDA backend.
    int priority() const override { return 10; }

protected:
    std::shared_ptr<Device> create_device(int index) override {
        return std::make_shared<OpenclDevice>(index,
                                              probe().devices[static_cast<std::size_t>(index)]);
    }

private:
    // Asked once: the devices do not change within a process. The DeviceInfo entries live as
    // long as the backend (never destroyed), so devices keep references to them.
    const Probe& probe() const {
        std::call_once(probed_, [this] { probe_ = probe_devices(); });
        return probe_;
    }
    mutable std::once_flag probed_;
    mutable Probe probe_;
};

}  // namespace

}  // namespace anvil::opencl

ANVIL_REGISTER_BACKEND(anvil::opencl::OpenclBackend)
