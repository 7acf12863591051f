// The fixture of the op validation tests. Each test runs on two devices: the `cpu` backend
// through the registry (a visible skip when it is not available) and the MockDevice, whose
// kernels throw if reached, so the core's checks are tested with or without a backend and must
// give the same message on both. A second mock device ("mock:1") is the "other device".
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "anvil/ops.h"
#include "anvil/registry.h"
#include "support/expect_error.h"
#include "mock_device.h"

namespace anvil {

class OpsValidation : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "cpu") {
            try {
                device_ = anvil::device("cpu");
            } catch (const Error& e) {
                GTEST_SKIP() << "cpu backend not available, validation checked on the mock only: " << e.what();
            }
        } else {
            mock_ = std::make_shared<MockDevice>();
            device_ = mock_;
        }
    }
    void TearDown() override {
        if (mock_) {
            EXPECT_EQ(mock_->kernel_calls(), 0) << "a kernel ran although validation should refuse";
        }
        EXPECT_EQ(other_->kernel_calls(), 0);
    }

    // Contents do not matter to validation, so most operands are left uninitialised.
    Tensor f32(const Shape& shape) const { return Tensor::empty(shape, DType::f32, device_); }
    Tensor f64(const Shape& shape) const { return Tensor::empty(shape, DType::f64, device_); }
    Tensor i64(const Shape& shape) const { return Tensor::empty(shape, DType::i64, device_); }
    Tensor elsewhere(const Shape& shape) const { return Tensor::empty(shape, DType::f32, other_); }
    std::string here() const { return device_->name(); }
    // "[op] operands are on different devices: <here> and mock:1 (move one with Tensor::to)"
    std::string mixed(const char* op) const {
        return std::string("[") + op + "] operands are on different devices: " + here() +
               " and mock:1 (move one with Tensor::to)";
    }
    std::string mixed_reversed(const char* op) const {
        return std::string("[") + op + "] operands are on different devices: mock:1 and " + here() +
               " (move one with Tensor::to)";
    }

    std::shared_ptr<Device> device_;
    std::shared_ptr<MockDevice> mock_;
    std::shared_ptr<MockDevice> other_ = std::make_shared<MockDevice>("mock:1");
};

}  // namespace anvil

// Runs the TEST_Ps of `Fixture` (derived from OpsValidation) as Fixture/cpu and Fixture/mock.
#define ANVIL_VALIDATE_ON_DEVICES(Fixture)                                                   \
    INSTANTIATE_TEST_SUITE_P(Devices, Fixture, ::testing::Values(std::string("cpu"), std::string("mock")), \
                             [](const ::testing::TestParamInfo<std::string>& p) { return p.param; })
