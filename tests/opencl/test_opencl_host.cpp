// The OpenCL backend's host code, linked directly (backends/opencl's anvil_opencl_host):
// statuses by name, the error format, and a program that fails to build, whose compiler log
// must be part of the error. The build test needs an OpenCL device and skips without one.
#include <gtest/gtest.h>

#include <regex>

#include "anvil/error.h"
#include "anvil/op.h"
#include "cl_error.h"
#include "kernel_source.h"
#include "platform.h"
#include "programs.h"
#include "support/expect_error.h"

namespace anvil::opencl {
namespace {

TEST(OpenclErrors, StatusesHaveTheirNames) {
    EXPECT_STREQ(cl_error_name(CL_SUCCESS), "CL_SUCCESS");
    EXPECT_STREQ(cl_error_name(CL_INVALID_WORK_GROUP_SIZE), "CL_INVALID_WORK_GROUP_SIZE");
    EXPECT_STREQ(cl_error_name(CL_MEM_OBJECT_ALLOCATION_FAILURE),
                 "CL_MEM_OBJECT_ALLOCATION_FAILURE");
    EXPECT_STREQ(cl_error_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
    EXPECT_STREQ(cl_error_name(-72), "CL_MAX_SIZE_RESTRICTION_EXCEEDED");
    EXPECT_STREQ(cl_error_name(-12345), "unknown OpenCL error");
    // Every code OpenCL 3.0 defines from -1 to -72 (except the unassigned -20 .. -29) is named.
    for (int code = -1; code >= -72; --code) {
        if (code <= -20 && code >= -29) continue;
        EXPECT_STRNE(cl_error_name(code), "unknown OpenCL error") << code;
    }
}

TEST(OpenclErrors, CheckNamesTheCallTheStatusAndTheDetail) {
    EXPECT_NO_THROW(check(CL_SUCCESS, "clFinish", "synchronize", "opencl:0"));
    EXPECT_EQ(error_of([] {
                  check(CL_INVALID_KERNEL_ARGS, "clEnqueueNDRangeKernel(gemm_tiled)", "gemm",
                        "opencl:0, global 64 x 64");
              }),
              "[gemm] clEnqueueNDRangeKernel(gemm_tiled) failed: CL_INVALID_KERNEL_ARGS (-52); "
              "opencl:0, global 64 x 64");
    EXPECT_TRUE(is_out_of_memory(CL_MEM_OBJECT_ALLOCATION_FAILURE));
    EXPECT_FALSE(is_out_of_memory(CL_INVALID_VALUE));
}

TEST(OpenclSource, EveryUnaryAndBinaryOpHasACase) {
    for (DType dtype : {DType::f32, DType::f64}) {
        const std::string source = program_source(dtype);
        for (UnaryOp op : kUnaryOps)
            EXPECT_NE(source.find("case " + std::to_string(static_cast<int>(to_op(op))) + ": "),
                      std::string::npos)
                << op_name(op);
        for (BinaryOp op : kBinaryOps)
            EXPECT_NE(source.find("// " + std::string(op_name(op)) + "\n"), std::string::npos)
                << op_name(op);
        // Accurate math only: no call of a relaxed-math built-in (native_sin(, half_exp(, ...).
        EXPECT_FALSE(std::regex_search(source, std::regex(R"((native|half)_[a-z0-9]+\s*\()")));
    }
}

class OpenclBuild : public ::testing::Test {
protected:
    void SetUp() override {
        probe_ = probe_devices();
        if (!probe_.availability.available)
            GTEST_SKIP() << "no OpenCL device: " << probe_.availability.reason;
        const DeviceInfo& d = probe_.devices[0];
        cl_int status = CL_SUCCESS;
        context_ = cl().clCreateContext(nullptr, 1, &d.id, nullptr, nullptr, &status);
        ASSERT_EQ(status, CL_SUCCESS) << cl_error_name(status);
    }
    void TearDown() override {
        if (context_) cl().clReleaseContext(context_);
    }
    Probe probe_;
    cl_context context_ = nullptr;
};

TEST_F(OpenclBuild, AFailedBuildCarriesTheCompilerLog) {
    const std::string broken =
        "kernel void broken(global float* x) { x[0] = anvil_no_such_name; }\n";
    const std::string message = error_of([&] {
        compile_program(context_, probe_.devices[0].id, broken, "-cl-std=CL1.2", "sin",
                        "opencl:0, f32 program");
    });
    EXPECT_EQ(message.rfind("[sin] clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11); "
                            "opencl:0, f32 program, options \"-cl-std=CL1.2\"; build log:\n",
                            0),
              0u)
        << message;
    EXPECT_NE(message.find("anvil_no_such_name"), std::string::npos) << message;
}

TEST_F(OpenclBuild, TheEmbeddedProgramsBuild) {
    for (DType dtype : {DType::f32, DType::f64}) {
        if (dtype == DType::f64 && !probe_.devices[0].fp64) continue;
        cl_program p = compile_program(context_, probe_.devices[0].id, program_source(dtype),
                                       "-cl-std=CL1.2", "test", dtype_name(dtype));
        cl().clReleaseProgram(p);
    }
}

}  // namespace
}  // namespace anvil::opencl
