// The fixture of the device op tests (test_device_ops.cpp, test_large_tensors.cpp): device 0
// of a backend opened through the plugin loader, or a visible skip with the backend's reason
// when it is unavailable; f32 uploads that report the values they hold; comparisons.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "anvil/anvil.h"

namespace anvil::test {

// The device backends this build has (ANVIL_DEVICE_TEST_BACKENDS, from tests/devices'
// CMakeLists: cpu always, cuda and opencl when their plugins are built).
inline std::vector<std::string> device_backends(bool with_cpu) {
    std::vector<std::string> names;
    std::stringstream list(ANVIL_DEVICE_TEST_BACKENDS);
    for (std::string name; std::getline(list, name, ',');)
        if (with_cpu || name != "cpu") names.push_back(name);
    return names;
}

inline std::string backend_param_name(const ::testing::TestParamInfo<std::string>& param) {
    return param.param;
}

class DeviceFixture : public ::testing::Test {
protected:
    using Index = std::int64_t;

    // Opens device 0 of `backend`, or skips with the backend's reason when it is unavailable.
    void open(const std::string& backend_name) {
        anvil::Registry& registry = anvil::Registry::instance();
        registry.load_plugins();
        anvil::Backend* backend = registry.find(backend_name);
        ASSERT_NE(backend, nullptr) << "the " << backend_name << " plugin did not register";
        const anvil::Availability availability = backend->availability();
        if (!availability.available)
            GTEST_SKIP() << backend_name << " unavailable: " << availability.reason;
        dev_ = backend->device(0);
    }

    std::vector<double> random(std::size_t n, double lo, double hi, unsigned seed) const {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> dist(lo, hi);
        std::vector<double> v(n);
        for (double& x : v) x = dist(rng);
        return v;
    }
    // f32 tensor from doubles, and the doubles it actually holds (rounded to f32).
    anvil::Tensor upload(std::vector<double>& values, const anvil::Shape& shape) const {
        std::vector<float> f(values.begin(), values.end());
        for (std::size_t i = 0; i < f.size(); ++i) values[i] = f[i];
        return anvil::Tensor::from_vector(f, shape, dev_);
    }
    static std::vector<double> download(const anvil::Tensor& t) {
        if (t.dtype() == anvil::DType::f64) return t.to_vector<double>();
        const std::vector<float> f = t.to_vector<float>();
        return {f.begin(), f.end()};
    }
    static void expect_close(const std::vector<double>& got, const std::vector<double>& expected,
                             double tol) {
        ASSERT_EQ(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            if (std::isnan(expected[i])) {
                EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " got " << got[i];
                continue;
            }
            EXPECT_NEAR(got[i], expected[i], tol * (1.0 + std::abs(expected[i])))
                << "element " << i;
        }
    }

    std::shared_ptr<anvil::Device> dev_;
};

}  // namespace anvil::test
