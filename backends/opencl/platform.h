// Finds the OpenCL devices of every platform (one anvil device per OpenCL device, in platform
// order) and what the backend needs to know about each: identity for messages and the program
// cache key, memory limits, and the capabilities supports() reports (cl_khr_fp64).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "anvil/backend.h"
#include "cl_api.h"

namespace anvil::opencl {

struct DeviceInfo {
    cl_platform_id platform = nullptr;
    cl_device_id id = nullptr;
    std::string platform_name;     // "Portable Computing Language"
    std::string platform_version;  // "OpenCL 3.0 PoCL 3.1+debian ..."
    std::string name;              // "pthread-haswell-AMD EPYC"
    std::string vendor;
    std::string version;          // CL_DEVICE_VERSION, "OpenCL 3.0 PoCL ..."
    std::string driver_version;   // CL_DRIVER_VERSION, "3.1+debian"
    std::string type;             // "CPU", "GPU", "accelerator"
    cl_uint compute_units = 0;
    cl_ulong global_memory = 0;   // CL_DEVICE_GLOBAL_MEM_SIZE
    cl_ulong max_allocation = 0;  // CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer
    std::size_t max_work_group = 0;
    bool fp64 = false;  // cl_khr_fp64: f64 kernels can be built
    // CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT: f32 division and sqrt can be built correctly
    // rounded (-cl-fp32-correctly-rounded-divide-sqrt); OpenCL's default allows 2.5 / 3 ulp.
    bool correctly_rounded_divide_sqrt = false;
};

struct Probe {
    std::vector<DeviceInfo> devices;
    Availability availability;  // unavailable with the reason when there is no device
};

// Enumerates the devices; never throws (a failing runtime is an unavailability reason).
Probe probe_devices();

// "Portable Computing Language: pthread-haswell-AMD EPYC (CPU), OpenCL 3.0 PoCL ..., driver
// 3.1+debian, 2 compute units, 21.54 GiB, fp64"
std::string describe(const DeviceInfo& info);

}  // namespace anvil::opencl
