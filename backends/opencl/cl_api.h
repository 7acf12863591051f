// The OpenCL entry points the backend calls, resolved at run time from the ICD loader
// (libOpenCL.so.1) with dlopen, so that the plugin loads on a machine without any OpenCL
// runtime and reports itself unavailable with the reason, instead of failing to load.
// Call them as cl().clCreateBuffer(...): the same names and signatures as <CL/cl.h>.
#pragma once

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <string>

namespace anvil::opencl {

// Every OpenCL function the backend uses, once. A function missing from the loader makes the
// backend unavailable, naming it.
#define ANVIL_CL_FUNCTIONS(X)                                                               \
    X(clGetPlatformIDs) X(clGetPlatformInfo) X(clGetDeviceIDs) X(clGetDeviceInfo)           \
    X(clCreateContext) X(clReleaseContext) X(clCreateCommandQueue)                          \
    X(clReleaseCommandQueue) X(clCreateBuffer) X(clReleaseMemObject)                        \
    X(clEnqueueWriteBuffer) X(clEnqueueReadBuffer) X(clEnqueueCopyBuffer)                   \
    X(clEnqueueFillBuffer) X(clFinish) X(clFlush) X(clGetEventInfo) X(clReleaseEvent)      \
    X(clCreateProgramWithSource) X(clCreateProgramWithBinary) X(clBuildProgram)            \
    X(clGetProgramInfo) X(clGetProgramBuildInfo) X(clReleaseProgram) X(clCreateKernel)     \
    X(clReleaseKernel) X(clSetKernelArg) X(clGetKernelWorkGroupInfo)                       \
    X(clEnqueueNDRangeKernel)

struct ClApi {
#define ANVIL_CL_POINTER_(name) decltype(&::name) name = nullptr;
    ANVIL_CL_FUNCTIONS(ANVIL_CL_POINTER_)
#undef ANVIL_CL_POINTER_
    // Empty when every function was found; otherwise why the runtime cannot be used.
    std::string problem;
};

// The loaded API, resolved once per process. The library is ANVIL_OPENCL_LIBRARY when that is
// set (a test points it at a missing file), else libOpenCL.so.1.
const ClApi& cl();

}  // namespace anvil::opencl
