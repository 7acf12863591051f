// The cuda plugin's one entry for other plugins: the stream and GPU index of a cuda Device, so
// that the nccl communicator queues its collectives behind the device's own work (in order,
// without a device-wide synchronisation). Looked up with dlsym in the loaded plugin; plain C
// types so that it needs no CUDA header to declare.
#pragma once

namespace anvil {
class Device;
}

#define ANVIL_CUDA_INTEROP_ENTRY "anvil_cuda_device_stream"
// Returns 0 and sets *stream (a cudaStream_t) and *index when `device` is a cuda device,
// 1 otherwise.
extern "C" {
using anvil_cuda_device_stream_fn = int (*)(anvil::Device* device, void** stream, int* index);
}
