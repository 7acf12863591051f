// OpenCL errors as anvil::Error: the status by its name (CL_INVALID_KERNEL_ARGS, never just a
// number), the call that returned it and the op and device it served, e.g.
//   [gemm] clEnqueueNDRangeKernel(gemm) failed: CL_INVALID_WORK_GROUP_SIZE (-54); opencl:0, ...
#pragma once

#include <string>

#include "cl_api.h"

namespace anvil::opencl {

// "CL_INVALID_VALUE" for -30; "unknown OpenCL error" for codes no specification defines.
const char* cl_error_name(cl_int status);

// "clFinish failed: CL_OUT_OF_RESOURCES (-5)".
std::string cl_failure(const std::string& call, cl_int status);

// Throws anvil::Error "[op] <call> failed: <NAME> (<code>); <detail>" unless status is
// CL_SUCCESS.
void check(cl_int status, const std::string& call, const char* op, const std::string& detail);

// Whether a failed status means the device ran out of memory (the allocation is then an
// OutOfMemoryError rather than a plain Error).
bool is_out_of_memory(cl_int status);

}  // namespace anvil::opencl
