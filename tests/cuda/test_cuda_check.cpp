// Checks the CUDA backend's error messages without a GPU: a failed runtime or cuBLAS call
// becomes an anvil::Error naming the op, the API function, the library's own error text and
// the sizes, and the detail expression is only evaluated on failure.
#include <gtest/gtest.h>

#include <string>

#include "anvil/error.h"
#include "cuda_check.h"

namespace {

std::string message_of(void (*fail)()) {
    try {
        fail();
    } catch (const anvil::Error& e) {
        return e.what();
    }
    return "(no error thrown)";
}

TEST(CudaCheck, RuntimeFailureNamesOpCallErrorAndSizes) {
    const std::string message = message_of([] {
        ANVIL_CUDA_CHECK(cudaErrorInvalidValue, "sum", "cuda:0, (outer, length, inner) = (1, 5, 1)");
    });
    EXPECT_EQ(message.rfind("[sum] cudaErrorInvalidValue failed: ", 0), 0u) << message;
    EXPECT_NE(message.find(cudaGetErrorString(cudaErrorInvalidValue)), std::string::npos);
    EXPECT_NE(message.find("(cudaErrorInvalidValue); cuda:0, (outer, length, inner)"),
              std::string::npos)
        << message;
}

cublasStatus_t failing_gemm(int) { return CUBLAS_STATUS_INVALID_VALUE; }

TEST(CudaCheck, CublasFailureNamesOnlyTheApiFunction) {
    const std::string message = message_of([] {
        ANVIL_CUBLAS_CHECK(failing_gemm(42), "gemm", std::string("cuda:0, M=3 N=4 K=5"));
    });
    EXPECT_EQ(message.rfind("[gemm] failing_gemm failed: ", 0), 0u) << message;
    EXPECT_NE(message.find("(CUBLAS_STATUS_INVALID_VALUE); cuda:0, M=3 N=4 K=5"),
              std::string::npos)
        << message;
}

TEST(CudaCheck, DetailIsOnlyBuiltOnFailure) {
    int built = 0;
    const auto detail = [&] {
        ++built;
        return std::string("sizes");
    };
    ANVIL_CUDA_CHECK(cudaSuccess, "fill", detail());
    ANVIL_CUBLAS_CHECK(CUBLAS_STATUS_SUCCESS, "gemm", detail());
    EXPECT_EQ(built, 0);
}

}  // namespace
