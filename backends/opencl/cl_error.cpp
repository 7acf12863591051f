// The names of OpenCL's status codes (OpenCL 3.0 and the ICD loader's KHR code), and the one
// place that turns a failed status into an anvil::Error.
#include "cl_error.h"

#include "anvil/error.h"

namespace anvil::opencl {

const char* cl_error_name(cl_int status) {
    switch (status) {
#define ANVIL_CL_NAME_(code, name) \
    case code: return name;
        ANVIL_CL_NAME_(0, "CL_SUCCESS")
        ANVIL_CL_NAME_(-1, "CL_DEVICE_NOT_FOUND")
        ANVIL_CL_NAME_(-2, "CL_DEVICE_NOT_AVAILABLE")
        ANVIL_CL_NAME_(-3, "CL_COMPILER_NOT_AVAILABLE")
        ANVIL_CL_NAME_(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE")
        ANVIL_CL_NAME_(-5, "CL_OUT_OF_RESOURCES")
        ANVIL_CL_NAME_(-6, "CL_OUT_OF_HOST_MEMORY")
        ANVIL_CL_NAME_(-7, "CL_PROFILING_INFO_NOT_AVAILABLE")
        ANVIL_CL_NAME_(-8, "CL_MEM_COPY_OVERLAP")
        ANVIL_CL_NAME_(-9, "CL_IMAGE_FORMAT_MISMATCH")
        ANVIL_CL_NAME_(-10, "CL_IMAGE_FORMAT_NOT_SUPPORTED")
        ANVIL_CL_NAME_(-11, "CL_BUILD_PROGRAM_FAILURE")
        ANVIL_CL_NAME_(-12, "CL_MAP_FAILURE")
        ANVIL_CL_NAME_(-13, "CL_MISALIGNED_SUB_BUFFER_OFFSET")
        ANVIL_CL_NAME_(-14, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST")
        ANVIL_CL_NAME_(-15, "CL_COMPILE_PROGRAM_FAILURE")
        ANVIL_CL_NAME_(-16, "CL_LINKER_NOT_AVAILABLE")
        ANVIL_CL_NAME_(-17, "CL_LINK_PROGRAM_FAILURE")
        ANVIL_CL_NAME_(-18, "CL_DEVICE_PARTITION_FAILED")
        ANVIL_CL_NAME_(-19, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE")
        ANVIL_CL_NAME_(-30, "CL_INVALID_VALUE")
        ANVIL_CL_NAME_(-31, "CL_INVALID_DEVICE_TYPE")
        ANVIL_CL_NAME_(-32, "CL_INVALID_PLATFORM")
        ANVIL_CL_NAME_(-33, "CL_INVALID_DEVICE")
        ANVIL_CL_NAME_(-34, "CL_INVALID_CONTEXT")
        ANVIL_CL_NAME_(-35, "CL_INVALID_QUEUE_PROPERTIES")
        ANVIL_CL_NAME_(-36, "CL_INVALID_COMMAND_QUEUE")
        ANVIL_CL_NAME_(-37, "CL_INVALID_HOST_PTR")
        ANVIL_CL_NAME_(-38, "CL_INVALID_MEM_OBJECT")
        ANVIL_CL_NAME_(-39, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR")
        ANVIL_CL_NAME_(-40, "CL_INVALID_IMAGE_SIZE")
        ANVIL_CL_NAME_(-41, "CL_INVALID_SAMPLER")
        ANVIL_CL_NAME_(-42, "CL_INVALID_BINARY")
        ANVIL_CL_NAME_(-43, "CL_INVALID_BUILD_OPTIONS")
        ANVIL_CL_NAME_(-44, "CL_INVALID_PROGRAM")
        ANVIL_CL_NAME_(-45, "CL_INVALID_PROGRAM_EXECUTABLE")
        ANVIL_CL_NAME_(-46, "CL_INVALID_KERNEL_NAME")
        ANVIL_CL_NAME_(-47, "CL_INVALID_KERNEL_DEFINITION")
        ANVIL_CL_NAME_(-48, "CL_INVALID_KERNEL")
        ANVIL_CL_NAME_(-49, "CL_INVALID_ARG_INDEX")
        ANVIL_CL_NAME_(-50, "CL_INVALID_ARG_VALUE")
        ANVIL_CL_NAME_(-51, "CL_INVALID_ARG_SIZE")
        ANVIL_CL_NAME_(-52, "CL_INVALID_KERNEL_ARGS")
        ANVIL_CL_NAME_(-53, "CL_INVALID_WORK_DIMENSION")
        ANVIL_CL_NAME_(-54, "CL_INVALID_WORK_GROUP_SIZE")
        ANVIL_CL_NAME_(-55, "CL_INVALID_WORK_ITEM_SIZE")
        ANVIL_CL_NAME_(-56, "CL_INVALID_GLOBAL_OFFSET")
        ANVIL_CL_NAME_(-57, "CL_INVALID_EVENT_WAIT_LIST")
        ANVIL_CL_NAME_(-58, "CL_INVALID_EVENT")
        ANVIL_CL_NAME_(-59, "CL_INVALID_OPERATION")
        ANVIL_CL_NAME_(-60, "CL_INVALID_GL_OBJECT")
        ANVIL_CL_NAME_(-61, "CL_INVALID_BUFFER_SIZE")
        ANVIL_CL_NAME_(-62, "CL_INVALID_MIP_LEVEL")
        ANVIL_CL_NAME_(-63, "CL_INVALID_GLOBAL_WORK_SIZE")
        ANVIL_CL_NAME_(-64, "CL_INVALID_PROPERTY")
        ANVIL_CL_NAME_(-65, "CL_INVALID_IMAGE_DESCRIPTOR")
        ANVIL_CL_NAME_(-66, "CL_INVALID_COMPILER_OPTIONS")
        ANVIL_CL_NAME_(-67, "CL_INVALID_LINKER_OPTIONS")
        ANVIL_CL_NAME_(-68, "CL_INVALID_DEVICE_PARTITION_COUNT")
        ANVIL_CL_NAME_(-69, "CL_INVALID_PIPE_SIZE")
        ANVIL_CL_NAME_(-70, "CL_INVALID_DEVICE_QUEUE")
        ANVIL_CL_NAME_(-71, "CL_INVALID_SPEC_ID")
        ANVIL_CL_NAME_(-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED")
        ANVIL_CL_NAME_(-1001, "CL_PLATFORM_NOT_FOUND_KHR")
#undef ANVIL_CL_NAME_
        default: break;  // an int, not an enum: codes of later versions or vendor extensions
    }
    return "unknown OpenCL error";
}

std::string cl_failure(const std::string& call, cl_int status) {
    return call + " failed: " + cl_error_name(status) + " (" + std::to_string(status) + ")";
}

void check(cl_int status, const std::string& call, const char* op, const std::string& detail) {
    if (status == CL_SUCCESS) return;
    throw Error(std::string("[") + op + "] " + cl_failure(call, status) +
                (detail.empty() ? "" : "; " + detail));
}

bool is_out_of_memory(cl_int status) {
    return status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES ||
           status == CL_OUT_OF_HOST_MEMORY || status == CL_INVALID_BUFFER_SIZE;
}

}  // namespace anvil::opencl
