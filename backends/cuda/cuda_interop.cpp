// The interop entry of libanvil-cuda.so (cuda_interop.h), the only symbol the plugin exports
// besides its registrar.
#include "cuda_interop.h"

#include "cuda_device.h"

extern "C" __attribute__((visibility("default"))) int anvil_cuda_device_stream(
    anvil::Device* device, void** stream, int* index) {
    auto* cuda = dynamic_cast<anvil::cuda::CudaDevice*>(device);
    if (!cuda || !stream || !index) return 1;
    *stream = cuda->stream();
    *index = cuda->index();
    return 0;
}
