// The compiled kernels of one device: one OpenCL program per dtype holding every kernel
// (compiled once, on the first op of that dtype, from kernel_source.cpp's source or the program
// cache), and the kernel objects created from it by name.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "anvil/dtype.h"
#include "cl_api.h"
#include "platform.h"
#include "program_cache.h"

namespace anvil::opencl {

// Builds `source` for one device with `options`; on failure throws anvil::Error
// "[op] clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11); <what>, options "..."; build
// log:\n<the compiler's log>".
cl_program compile_program(cl_context context, cl_device_id device, const std::string& source,
                           const std::string& options, const char* op, const std::string& what);

struct KernelHandle {
    cl_kernel kernel = nullptr;
    std::size_t max_work_group = 0;  // CL_KERNEL_WORK_GROUP_SIZE on this device
};

class Programs {
public:
    Programs(const DeviceInfo& info, std::string device_name, cl_context context);
    ~Programs();
    Programs(const Programs&) = delete;
    Programs& operator=(const Programs&) = delete;

    // Kernel `name` of the program for `dtype` (f32 or f64), building the program first when
    // needed. `op` names the anvil op in error messages.
    const KernelHandle& kernel(DType dtype, const std::string& name, const char* op);

    // The options the programs are built with (no -cl-fast-relaxed-math, ever).
    std::string build_options(DType dtype) const;
    const ProgramCache& cache() const { return cache_; }

private:
    struct Program {
        cl_program program = nullptr;
        std::map<std::string, KernelHandle> kernels;
    };
    // Builds from the cache when an intact entry exists and the driver accepts it, from source
    // otherwise (storing the new binary).
    cl_program build(DType dtype, const char* op);
    cl_program build_from_binary(const std::vector<unsigned char>& binary, const std::string& options,
                                 std::string& why_not);
    std::string cache_key(DType dtype, const std::string& source, const std::string& options) const;

    const DeviceInfo& info_;
    std::string device_name_;
    cl_context context_;
    ProgramCache cache_;
    bool verbose_ = false;  // ANVIL_OPENCL_VERBOSE=1: how each program was obtained, to stderr
    Program programs_[2];   // f32, f64
};

}  // namespace anvil::opencl
