// Loads the built libanvil-cuda.so through the registry, as an app would, and checks that it
// registers "cuda" and reports availability exactly as the CUDA runtime sees this machine:
// with no driver or GPU (CI), unavailable with the runtime's reason and zero devices, and
// asking for cuda:0 is a clear error, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <cuda_runtime_api.h>

#include "anvil/anvil.h"

#ifndef ANVIL_CUDA_PLUGIN
#error "ANVIL_CUDA_PLUGIN must name the built libanvil-cuda.so"
#endif

namespace {

anvil::Backend& cuda_backend() {
    static const anvil::LoadAttempt attempt =
        anvil::Registry::instance().load_file(ANVIL_CUDA_PLUGIN);
    anvil::Backend* backend = anvil::Registry::instance().find("cuda");
    if (!backend) throw anvil::Error("cuda backend not registered: " + attempt.detail);
    return *backend;
}

TEST(CudaPlugin, LoadsAndRegistersTheCudaBackend) {
    const anvil::LoadAttempt attempt = anvil::Registry::instance().load_file(ANVIL_CUDA_PLUGIN);
    // A second load of the same file is skipped; either way the backend must be registered.
    EXPECT_TRUE(attempt.outcome == anvil::LoadOutcome::loaded ||
                attempt.outcome == anvil::LoadOutcome::skipped)
        << anvil::load_outcome_name(attempt.outcome) << ": " << attempt.detail;
    anvil::Backend* backend = anvil::Registry::instance().find("CUDA");
    ASSERT_NE(backend, nullptr);
    EXPECT_EQ(backend->name(), "cuda");
    EXPECT_EQ(backend->priority(), 100);
    EXPECT_NE(backend->description().find("CUDA runtime"), std::string::npos)
        << backend->description();
}

TEST(CudaPlugin, AvailabilityMatchesTheCudaRuntime) {
    anvil::Backend& backend = cuda_backend();
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    const anvil::Availability availability = backend.availability();
    if (status == cudaSuccess && count > 0) {
        EXPECT_TRUE(availability.available) << availability.reason;
        EXPECT_EQ(backend.device_count(), count);
        return;
    }
    EXPECT_FALSE(availability.available);
    EXPECT_EQ(backend.device_count(), 0);
    ASSERT_FALSE(availability.reason.empty());
    if (status != cudaSuccess)  // the runtime's own words reach the user
        EXPECT_NE(availability.reason.find(cudaGetErrorString(status)), std::string::npos)
            << availability.reason;
    else
        EXPECT_NE(availability.reason.find("no CUDA-capable GPU"), std::string::npos)
            << availability.reason;
}

TEST(CudaPlugin, UnavailableDeviceRequestIsAClearError) {
    anvil::Backend& backend = cuda_backend();
    const anvil::Availability availability = backend.availability();
    if (availability.available) GTEST_SKIP() << "a GPU is present; covered by the devices.*/cuda op tests";
    try {
        anvil::device("cuda:0");
        FAIL() << "cuda:0 was created without a GPU";
    } catch (const anvil::Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("unavailable"), std::string::npos) << message;
        EXPECT_NE(message.find(availability.reason), std::string::npos) << message;
    }
}

TEST(CudaPlugin, AutoNeverPicksAnUnavailableCuda) {
    anvil::Backend& backend = cuda_backend();
    if (backend.availability().available) GTEST_SKIP() << "a GPU is present";
    const auto summary = anvil::Registry::instance().backends_summary();
    EXPECT_NE(summary.find("cuda ("), std::string::npos) << summary;
    try {
        EXPECT_NE(anvil::Registry::instance().best_available().name(), "cuda");
    } catch (const anvil::Error& e) {  // no other backend built: still a clear error
        EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
    }
}

}  // namespace
