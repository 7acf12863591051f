// OpenclDevice: lifetime (context, in-order queue, programs), identity, the capability query,
// and the launch path every op goes through.
#include "opencl_device.h"

#include <cstdlib>

#include "cl_error.h"

namespace anvil::opencl {

OpenclDevice::OpenclDevice(int index, const DeviceInfo& info)
    : index_(index), name_("opencl:" + std::to_string(index)), info_(info) {
    cl_int status = CL_SUCCESS;
    const cl_context_properties properties[] = {
        CL_CONTEXT_PLATFORM, reinterpret_cast<cl_context_properties>(info.platform), 0};
    context_ = cl().clCreateContext(properties, 1, &info.id, nullptr, nullptr, &status);
    check(status, "clCreateContext", "opencl", name_ + " (" + info.name + ")");
    // In order, no profiling: each op's kernels run after everything queued before them, so
    // ops never wait for one another on the host.
    queue_ = cl().clCreateCommandQueue(context_, info.id, 0, &status);
    if (status != CL_SUCCESS) {
        cl().clReleaseContext(context_);
        check(status, "clCreateCommandQueue", "opencl", name_ + " (" + info.name + ")");
    }
    programs_ = std::make_unique<Programs>(info_, name_, context_);
    const char* gemm = std::getenv("ANVIL_OPENCL_GEMM");
    const std::string choice = gemm ? gemm : "";
    vector_gemm_ = choice == "vector" || (choice != "tiled" && info.type == "CPU");
}

OpenclDevice::~OpenclDevice() {
    cl().clFinish(queue_);
    release_staging(true);
    programs_.reset();
    cl().clReleaseCommandQueue(queue_);
    cl().clReleaseContext(context_);
}

std::string OpenclDevice::description() const {
    const ProgramCache& cache = programs_->cache();
    return describe(info_) + "; " + (vector_gemm_ ? "vector" : "tiled") +
           " GEMM; program cache " + (cache.enabled() ? cache.dir().string() : std::string("off"));
}

MemoryInfo OpenclDevice::memory_info() const {
    // OpenCL has no portable free-memory query: free is the device's global memory less what
    // this process holds on it.
    MemoryInfo m;
    m.total_bytes = static_cast<std::size_t>(info_.global_memory);
    const std::size_t used = live_bytes_.load();
    m.free_bytes = used < m.total_bytes ? m.total_bytes - used : 0;
    return m;
}

bool OpenclDevice::supports(Op op, DType dtype) const {
    // f64 exactly where the device has cl_khr_fp64 (the f64 program cannot be built without
    // it); i64 only moves data, which needs no kernel (clEnqueueFillBuffer, CopyBuffer).
    const bool floating = dtype == DType::f32 || (dtype == DType::f64 && info_.fp64);
#define ANVIL_CASE_(name, id) case Op::name:
    switch (op) {
        case Op::fill:
        case Op::copy:
            return floating || dtype == DType::i64;
        case Op::gemm:
        case Op::clip:
        case Op::affine:
        case Op::argmax:
        case Op::transpose:
            ANVIL_UNARY_OPS(ANVIL_CASE_)
            ANVIL_BINARY_OPS(ANVIL_CASE_)
            ANVIL_REDUCE_OPS(ANVIL_CASE_)
            ANVIL_COMPOSITE_OPS(ANVIL_CASE_)
            return floating;
    }
#undef ANVIL_CASE_
    return false;
}

const KernelHandle& OpenclDevice::prepare(const char* op, DType dtype, const char* name) {
    return programs_->kernel(dtype, name, op);
}

void OpenclDevice::enqueue(const char* op, const char* name, const KernelHandle& k,
                           cl_uint dims, const std::size_t* global, const std::size_t* local) {
    const cl_int status = cl().clEnqueueNDRangeKernel(queue_, k.kernel, dims, nullptr, global,
                                                      local, 0, nullptr, nullptr);
    if (status == CL_SUCCESS) return;
    std::string detail = name_ + ", global " + std::to_string(global[0]);
    for (cl_uint d = 1; d < dims; ++d) detail += " x " + std::to_string(global[d]);
    detail += ", work-group " + std::to_string(local[0]);
    for (cl_uint d = 1; d < dims; ++d) detail += " x " + std::to_string(local[d]);
    check(status, std::string("clEnqueueNDRangeKernel(") + name + ")", op, detail);
}

namespace detail {
void set_kernel_arg(cl_kernel kernel, cl_uint index, std::size_t size, const void* value,
                    const char* op, const char* name) {
    const cl_int status = cl().clSetKernelArg(kernel, index, size, value);
    check(status, std::string("clSetKernelArg(") + name + ", " + std::to_string(index) + ")", op,
          "");
}
}  // namespace detail

}  // namespace anvil::opencl
