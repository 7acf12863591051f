// Turns CUDA runtime and cuBLAS status codes into anvil::Error messages a user can act on.
#include "cuda_check.h"

#include "anvil/error.h"

namespace anvil::cuda {

namespace {
// The macros pass the whole call expression; the message names only the API function.
std::string api_name(const char* call) {
    const std::string text(call);
    return text.substr(0, text.find('('));
}
}  // namespace

void throw_cuda_error(cudaError_t status, const char* call, const char* op,
                      const std::string& detail) {
    // The failure is reported here, so it must not stay behind as the runtime's last error:
    // every failed runtime call records its error, and CUB reads launch errors with
    // cudaPeekAtLastError (CCCL 3.0's CubDebug then clears them; nothing promises that), so
    // the next check_launch would blame an unrelated kernel. (A sticky error, after a kernel
    // fault, comes back from every later call anyway.)
    cudaGetLastError();
    std::string message = std::string("[") + op + "] " + api_name(call) + " failed: " +
                          cudaGetErrorString(status) + " (" + cudaGetErrorName(status) + ")";
    if (!detail.empty()) message += "; " + detail;
    throw Error(message);
}

void throw_cublas_error(cublasStatus_t status, const char* call, const char* op,
                        const std::string& detail) {
    cudaGetLastError();  // a kernel cuBLAS failed to launch leaves its error, as above
    std::string message = std::string("[") + op + "] " + api_name(call) + " failed: " +
                          cublasGetStatusString(status) + " (" + cublasGetStatusName(status) +
                          ")";
    if (!detail.empty()) message += "; " + detail;
    throw Error(message);
}

void check_launch(const char* op, int device, std::int64_t elements) {
    // cudaGetLastError also clears the launch error, which is not sticky.
    const cudaError_t status = cudaGetLastError();
    if (status != cudaSuccess)
        throw_cuda_error(status, "kernel launch", op, elements_detail(device, elements));
}

std::string elements_detail(int device, std::int64_t elements) {
    return "cuda:" + std::to_string(device) + ", " + std::to_string(elements) + " elements";
}

}  // namespace anvil::cuda
