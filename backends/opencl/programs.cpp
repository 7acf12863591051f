// Building the per-dtype programs: cache lookup, source build with its log in the error, and
// storing the binary for the next start. See program_cache.h for what a cache entry is.
#include "programs.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "anvil/error.h"
#include "cl_error.h"
#include "kernel_source.h"

namespace anvil::opencl {

namespace {

std::string build_log(cl_program program, cl_device_id device) {
    std::size_t size = 0;
    cl().clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size);
    std::string log(size, '\0');
    if (size > 0)
        cl().clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log.data(),
                                   nullptr);
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log.empty() ? "(the compiler printed nothing)" : log;
}

std::vector<unsigned char> program_binary(cl_program program) {
    std::size_t size = 0;
    if (cl().clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr) !=
            CL_SUCCESS ||
        size == 0)
        return {};
    std::vector<unsigned char> binary(size);
    unsigned char* where = binary.data();
    if (cl().clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof(where), &where, nullptr) !=
        CL_SUCCESS)
        return {};
    return binary;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace

Programs::Programs(const DeviceInfo& info, std::string device_name, cl_context context)
    : info_(info),
      device_name_(std::move(device_name)),
      context_(context),
      cache_(ProgramCache::default_dir()) {
    const char* verbose = std::getenv("ANVIL_OPENCL_VERBOSE");
    verbose_ = verbose && std::string(verbose) == "1";
}

Programs::~Programs() {
    for (Program& p : programs_) {
        for (auto& [name, k] : p.kernels) cl().clReleaseKernel(k.kernel);
        if (p.program) cl().clReleaseProgram(p.program);
    }
}

std::string Programs::build_options(DType dtype) const {
    std::string options = "-cl-std=CL1.2";
    // OpenCL allows f32 division 2.5 ulp and sqrt 3 ulp off by default; anvil promises IEEE
    // (correctly rounded) results for them on every backend. f64 is correctly rounded anyway.
    if (dtype == DType::f32 && info_.correctly_rounded_divide_sqrt)
        options += " -cl-fp32-correctly-rounded-divide-sqrt";
    return options;
}

std::string Programs::cache_key(DType dtype, const std::string& source,
                                const std::string& options) const {
    return "anvil-opencl program cache v1\nplatform: " + info_.platform_name + " | " +
           info_.platform_version + "\ndevice: " + info_.name + " | " + info_.vendor + " | " +
           info_.version + "\ndriver: " + info_.driver_version + "\ndtype: " +
           dtype_name(dtype) + "\noptions: " + options + "\nsource: " +
           hex64(fnv1a64(source.data(), source.size())) + " " + std::to_string(source.size()) +
           "\n";
}

cl_program Programs::build_from_binary(const std::vector<unsigned char>& binary,
                                       const std::string& options, std::string& why_not) {
    const unsigned char* data = binary.data();
    const std::size_t size = binary.size();
    cl_int binary_status = CL_SUCCESS, status = CL_SUCCESS;
    cl_program program = cl().clCreateProgramWithBinary(context_, 1, &info_.id, &size, &data,
                                                        &binary_status, &status);
    if (status != CL_SUCCESS || binary_status != CL_SUCCESS) {
        why_not = cl_failure("clCreateProgramWithBinary",
                             status != CL_SUCCESS ? status : binary_status);
        if (program) cl().clReleaseProgram(program);
        return nullptr;
    }
    status = cl().clBuildProgram(program, 1, &info_.id, options.c_str(), nullptr, nullptr);
    if (status != CL_SUCCESS) {
        why_not = cl_failure("clBuildProgram (from the cached binary)", status);
        cl().clReleaseProgram(program);
        return nullptr;
    }
    return program;
}

cl_program compile_program(cl_context context, cl_device_id device, const std::string& source,
                           const std::string& options, const char* op, const std::string& what) {
    const char* text = source.c_str();
    const std::size_t length = source.size();
    cl_int status = CL_SUCCESS;
    cl_program program = cl().clCreateProgramWithSource(context, 1, &text, &length, &status);
    check(status, "clCreateProgramWithSource", op, what);
    status = cl().clBuildProgram(program, 1, &device, options.c_str(), nullptr, nullptr);
    if (status != CL_SUCCESS) {
        const std::string log = build_log(program, device);
        cl().clReleaseProgram(program);
        throw Error(std::string("[") + op + "] " + cl_failure("clBuildProgram", status) + "; " +
                    what + ", options \"" + options + "\"; build log:\n" + log);
    }
    return program;
}

cl_program Programs::build(DType dtype, const char* op) {
    const auto start = std::chrono::steady_clock::now();
    const std::string source = program_source(dtype);
    const std::string options = build_options(dtype);
    const std::string key = cache_key(dtype, source, options);
    std::string miss = cache_.enabled() ? "no intact entry" : "cache disabled";
    if (auto binary = cache_.load(key)) {
        if (cl_program program = build_from_binary(*binary, options, miss)) {
            if (verbose_)
                std::cerr << "anvil-opencl: " << device_name_ << " " << dtype_name(dtype)
                          << " program loaded from " << cache_.file_for(key).string() << " in "
                          << milliseconds_since(start) << " ms\n";
            return program;
        }
    }
    cl_program program = compile_program(context_, info_.id, source, options, op,
                                         device_name_ + ", " + dtype_name(dtype) + " program");
    const bool stored = cache_.store(key, program_binary(program));
    if (verbose_)
        std::cerr << "anvil-opencl: " << device_name_ << " " << dtype_name(dtype)
                  << " program compiled from source in " << milliseconds_since(start)
                  << " ms (" << miss << "); "
                  << (stored ? "stored in " + cache_.file_for(key).string()
                             : std::string("not stored"))
                  << "\n";
    return program;
}

const KernelHandle& Programs::kernel(DType dtype, const std::string& name, const char* op) {
    Program& p = programs_[dtype == DType::f64 ? 1 : 0];
    if (auto it = p.kernels.find(name); it != p.kernels.end()) return it->second;
    if (!p.program) p.program = build(dtype, op);
    cl_int status = CL_SUCCESS;
    KernelHandle handle;
    handle.kernel = cl().clCreateKernel(p.program, name.c_str(), &status);
    check(status, "clCreateKernel(" + name + ")", op, device_name_);
    status = cl().clGetKernelWorkGroupInfo(handle.kernel, info_.id, CL_KERNEL_WORK_GROUP_SIZE,
                                           sizeof(handle.max_work_group), &handle.max_work_group,
                                           nullptr);
    if (status != CL_SUCCESS) {
        cl().clReleaseKernel(handle.kernel);
        check(status, "clGetKernelWorkGroupInfo(" + name + ")", op, device_name_);
    }
    return p.kernels.emplace(name, handle).first->second;
}

}  // namespace anvil::opencl
