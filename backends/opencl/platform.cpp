// Device discovery through the ICD loader: every platform, every device type. A machine without
// a runtime, without a platform (an empty OCL_ICD_VENDORS directory) or without devices gets a
// reason a user can act on, never an exception.
#include "platform.h"

#include <cstdio>
#include <sstream>

#include "anvil/error.h"
#include "cl_error.h"

namespace anvil::opencl {

namespace {

std::string platform_string(cl_platform_id p, cl_platform_info what) {
    std::size_t size = 0;
    if (cl().clGetPlatformInfo(p, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "";
    std::string s(size, '\0');
    if (cl().clGetPlatformInfo(p, what, size, s.data(), nullptr) != CL_SUCCESS) return "";
    while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string device_string(cl_device_id d, cl_device_info what) {
    std::size_t size = 0;
    if (cl().clGetDeviceInfo(d, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "";
    std::string s(size, '\0');
    if (cl().clGetDeviceInfo(d, what, size, s.data(), nullptr) != CL_SUCCESS) return "";
    while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
    return s;
}

template <typename V> V device_value(cl_device_id d, cl_device_info what) {
    V value{};
    if (cl().clGetDeviceInfo(d, what, sizeof(V), &value, nullptr) != CL_SUCCESS) return V{};
    return value;
}

bool has_extension(const std::string& extensions, const std::string& name) {
    std::istringstream words(extensions);
    std::string word;
    while (words >> word)
        if (word == name) return true;
    return false;
}

// "OpenCL 1.2 ..." -> 102; 0 when the string does not parse.
int opencl_version(const std::string& version) {
    int major = 0, minor = 0;
    if (std::sscanf(version.c_str(), "OpenCL %d.%d", &major, &minor) != 2) return 0;
    return major * 100 + minor;
}

std::string type_name(cl_device_type type) {
    if (type & CL_DEVICE_TYPE_GPU) return "GPU";
    if (type & CL_DEVICE_TYPE_CPU) return "CPU";
    if (type & CL_DEVICE_TYPE_ACCELERATOR) return "accelerator";
    return "other";
}

DeviceInfo read_device(cl_platform_id platform, const std::string& platform_name,
                       const std::string& platform_version, cl_device_id id) {
    DeviceInfo info;
    info.platform = platform;
    info.id = id;
    info.platform_name = platform_name;
    info.platform_version = platform_version;
    info.name = device_string(id, CL_DEVICE_NAME);
    info.vendor = device_string(id, CL_DEVICE_VENDOR);
    info.version = device_string(id, CL_DEVICE_VERSION);
    info.driver_version = device_string(id, CL_DRIVER_VERSION);
    info.type = type_name(device_value<cl_device_type>(id, CL_DEVICE_TYPE));
    info.compute_units = device_value<cl_uint>(id, CL_DEVICE_MAX_COMPUTE_UNITS);
    info.global_memory = device_value<cl_ulong>(id, CL_DEVICE_GLOBAL_MEM_SIZE);
    info.max_allocation = device_value<cl_ulong>(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    info.max_work_group = device_value<std::size_t>(id, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    info.fp64 = has_extension(device_string(id, CL_DEVICE_EXTENSIONS), "cl_khr_fp64");
    info.correctly_rounded_divide_sqrt =
        (device_value<cl_device_fp_config>(id, CL_DEVICE_SINGLE_FP_CONFIG) &
         CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    return info;
}

}  // namespace

Probe probe_devices() {
    Probe probe;
    const ClApi& api = cl();
    if (!api.problem.empty()) {
        probe.availability.reason = api.problem;
        return probe;
    }
    cl_uint platform_count = 0;
    const cl_int status = api.clGetPlatformIDs(0, nullptr, &platform_count);
    if (status != CL_SUCCESS || platform_count == 0) {
        probe.availability.reason =
            "no OpenCL platform found (" +
            (status != CL_SUCCESS ? cl_failure("clGetPlatformIDs", status)
                                  : std::string("clGetPlatformIDs found 0 platforms")) +
            "); install a driver (ICD) such as pocl-opencl-icd; the ICD loader reads "
            "/etc/OpenCL/vendors, or OCL_ICD_VENDORS when that is set";
        return probe;
    }
    std::vector<cl_platform_id> platforms(platform_count);
    api.clGetPlatformIDs(platform_count, platforms.data(), nullptr);
    std::vector<std::string> skipped;
    for (cl_platform_id p : platforms) {
        const std::string pname = platform_string(p, CL_PLATFORM_NAME);
        const std::string pversion = platform_string(p, CL_PLATFORM_VERSION);
        cl_uint count = 0;
        if (api.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &count) != CL_SUCCESS ||
            count == 0)
            continue;
        std::vector<cl_device_id> ids(count);
        api.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, count, ids.data(), nullptr);
        for (cl_device_id id : ids) {
            DeviceInfo info = read_device(p, pname, pversion, id);
            // clEnqueueFillBuffer and the OpenCL C 1.2 kernels need a 1.2 device.
            if (opencl_version(info.version) < 102) {
                skipped.push_back(info.name + " (" + info.version + ")");
                continue;
            }
            probe.devices.push_back(std::move(info));
        }
    }
    if (probe.devices.empty()) {
        std::string reason = "no OpenCL 1.2 device found on " + std::to_string(platform_count) +
                             " platform(s)";
        for (const std::string& s : skipped) reason += "; skipped " + s;
        probe.availability.reason = reason;
        return probe;
    }
    probe.availability.available = true;
    return probe;
}

std::string describe(const DeviceInfo& info) {
    return info.platform_name + ": " + info.name + " (" + info.type + "), " + info.version +
           ", driver " + info.driver_version + ", " + std::to_string(info.compute_units) +
           " compute units, " + format_bytes(static_cast<std::size_t>(info.global_memory)) +
           (info.fp64 ? ", fp64" : ", no fp64 (f32 only)");
}

}  // namespace anvil::opencl
