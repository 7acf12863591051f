// Tensors of more than 2^31 elements on the device backends with their own memory (cuda,
// opencl): 64-bit index math in the elementwise, broadcast and column-reduction kernels. Each
// needs over 8 GiB and skips, visibly, on a device that cannot hold it (memory_info, or the
// allocation's OutOfMemoryError, e.g. PoCL's 8 GiB largest buffer). The tails are read and
// written through Tensor's element ranges: device memory is a handle, not an address.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "device_fixture.h"

namespace {

using anvil::DType;
using anvil::Shape;
using anvil::Tensor;
using Index = std::int64_t;

class LargeTensors : public anvil::test::DeviceFixture,
                     public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override { open(GetParam()); }
};
// No instances in a build without a device backend of its own memory: allowed, not an error.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LargeTensors);
INSTANTIATE_TEST_SUITE_P(Backends, LargeTensors,
                         ::testing::ValuesIn(anvil::test::device_backends(false)),
                         anvil::test::backend_param_name);

// Runs `body`, or skips naming what the device lacks when it needs more than `bytes` of free
// memory or an allocation inside it runs out.
#define ANVIL_SKIP_UNLESS_IT_FITS(bytes, body)                                             \
    do {                                                                                   \
        if (dev_->memory_info().free_bytes < (bytes))                                      \
            GTEST_SKIP() << "needs " << anvil::format_bytes(bytes) << " of free memory";   \
        try {                                                                              \
            body;                                                                          \
        } catch (const anvil::OutOfMemoryError& e) {                                       \
            GTEST_SKIP() << "the device cannot hold the tensors: " << e.what();            \
        }                                                                                  \
    } while (0)

// More than 2^31 elements: elementwise kernels index in 64 bits.
TEST_P(LargeTensors, ElementwiseBeyondTwoToThe31Elements) {
    const Index n = (Index{1} << 31) + 5;
    const std::size_t bytes = static_cast<std::size_t>(n) * sizeof(float);
    Tensor t;
    ANVIL_SKIP_UNLESS_IT_FITS(bytes + (std::size_t{1} << 30),
                              t = Tensor::full(Shape{n}, DType::f32, dev_, 1.0));
    anvil::affine_into(t, 3.0, 1.0, t);
    EXPECT_EQ(t.to_vector<float>(n - 8, 8), std::vector<float>(8, 4.0f));
    EXPECT_EQ(anvil::max(t).item(), 4.0);
}

// More than 2^31 elements through the indexed kernels: a row broadcast (64-bit index math past
// 2^31) and column reductions whose offsets and argmax indices pass 2^31.
TEST_P(LargeTensors, BroadcastAndColumnReductionsBeyondTwoToThe31Elements) {
    const Index rows = (Index{1} << 30) + 3;  // rows * 2 > 2^31
    const std::size_t bytes = static_cast<std::size_t>(rows) * 2 * sizeof(float);
    Tensor x, y;
    ANVIL_SKIP_UNLESS_IT_FITS(2 * bytes + (std::size_t{1} << 30), {
        x = Tensor::full(Shape{rows, 2}, DType::f32, dev_, 1.0);
        x.upload_range((rows - 1) * 2, std::vector<float>{5.0f, 6.0f});
        const Tensor offsets = Tensor::from_vector(std::vector<float>{1.0f, 2.0f}, Shape{2}, dev_);
        y = anvil::binary(anvil::BinaryOp::add, x, offsets);
    });
    x = Tensor();  // free 8 GiB before the reductions' scratch
    EXPECT_EQ(y.to_vector<float>((rows - 2) * 2, 4), (std::vector<float>{2.0f, 3.0f, 6.0f, 8.0f}));
    EXPECT_EQ(anvil::max(y, 0).to_vector<float>(), (std::vector<float>{6.0f, 8.0f}));
    EXPECT_EQ(anvil::min(y, 0).to_vector<float>(), (std::vector<float>{2.0f, 3.0f}));
    EXPECT_EQ(anvil::argmax(y, 0).to_vector<std::int64_t>(),
              (std::vector<std::int64_t>{rows - 1, rows - 1}));
}

}  // namespace
