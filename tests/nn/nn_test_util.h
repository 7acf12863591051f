// Helpers shared by the anvil::nn tests: the cpu device (and the reference plugin when it was
// built), host <-> device transfers as doubles, seeded random data, and the float64 guard.
#pragma once

#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "anvil/nn/nn.h"

namespace anvil::nn::test {

std::shared_ptr<Device> cpu();
// The out-of-tree reference backend, or null when its plugin was not built.
std::shared_ptr<Device> reference_or_null();

// Uploads doubles as `dtype`; downloads f32 or f64 as doubles.
Tensor upload(const std::vector<double>& values, const Shape& shape, DType dtype,
              const std::shared_ptr<Device>& device);
std::vector<double> download(const Tensor& t);

std::vector<double> random_values(Rng& rng, std::int64_t n, double lo, double hi);

using ::anvil::test::TempDir;

// Runs fn and returns the anvil::Error message it throws ("" when it does not throw).
template <typename Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace anvil::nn::test

// Gradient checks run in float64: skip visibly on a backend without it.
#define ANVIL_REQUIRE_F64(device)                                                            \
    do {                                                                                     \
        if (!(device)->supports(::anvil::Op::linear_act_forward, ::anvil::DType::f64))       \
            GTEST_SKIP() << "backend " << (device)->backend_name() << " has no f64 support"; \
    } while (0)

// Declares `var`, the reference backend's device, or skips visibly when the plugin is absent.
#define ANVIL_REFERENCE_OR_SKIP(var)                                              \
    const auto var = ::anvil::nn::test::reference_or_null();                      \
    if (!var)                                                                     \
    GTEST_SKIP() << "reference plugin not built in " << ANVIL_EXTERNAL_PLUGIN_DIR \
                 << " nor on ANVIL_PLUGIN_PATH (scripts/build-reference-plugin.sh builds it)"
