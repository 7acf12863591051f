// Tensor lifetime, views and host transfers, on the MockDevice (which counts live buffers):
// reshape shares storage, -1 is inferred, a buffer is returned when its last view dies, the
// buffer keeps its device alive, upload writes in place, undefined tensors and mismatched
// transfers give clear errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <span>

#include "anvil/ops.h"
#include "anvil/tensor.h"
#include "support/expect_error.h"
#include "mock_device.h"

namespace anvil {
namespace {

// reshape({6, 4}) would be ambiguous between the Shape and the vector overloads.
using Dims = std::vector<std::int64_t>;

using ::testing::ElementsAre;

class TensorTest : public ::testing::Test {
protected:
    std::shared_ptr<MockDevice> mock_ = std::make_shared<MockDevice>();
    Tensor iota(const Shape& shape) {
        std::vector<float> values(static_cast<std::size_t>(shape.numel()));
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
        return Tensor::from_vector(values, shape, mock_);
    }
};

TEST_F(TensorTest, EmptyHasShapeDtypeAndBytes) {
    const Tensor t = Tensor::empty(Shape{2, 3}, DType::f64, mock_);
    EXPECT_TRUE(t.defined());
    EXPECT_EQ(t.shape(), (Shape{2, 3}));
    EXPECT_EQ(t.rank(), 2);
    EXPECT_EQ(t.numel(), 6);
    EXPECT_EQ(t.dtype(), DType::f64);
    EXPECT_EQ(t.nbytes(), 48u);
    EXPECT_EQ(&t.device(), mock_.get());
    EXPECT_EQ(t.device_ptr(), mock_);
    EXPECT_EQ(t.describe(), "f64 (2,3) on mock:0");
    EXPECT_EQ(mock_->live_bytes(), 48u);
}

TEST_F(TensorTest, HostRoundTripsForEveryDtype) {
    EXPECT_THAT(Tensor::from_vector(std::vector<float>{1.5f, -2.f}, Shape{2}, mock_).to_vector<float>(),
                ElementsAre(1.5f, -2.f));
    EXPECT_THAT(Tensor::from_vector(std::vector<double>{1e300, -0.25}, Shape{2, 1}, mock_).to_vector<double>(),
                ElementsAre(1e300, -0.25));
    EXPECT_THAT(Tensor::from_vector(std::vector<std::int64_t>{1LL << 40, -7}, Shape{1, 2}, mock_)
                    .to_vector<std::int64_t>(),
                ElementsAre(1LL << 40, -7));
}

TEST_F(TensorTest, UploadOverwritesTheStorageInPlace) {
    Tensor t = iota(Shape{2, 3});
    const void* storage = t.data();
    t.upload(std::vector<float>{6, 5, 4, 3, 2, 1});
    EXPECT_EQ(t.data(), storage);
    EXPECT_EQ(mock_->live_allocations(), 1);
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(6.f, 5.f, 4.f, 3.f, 2.f, 1.f));
    // Through a view, into the storage it shares.
    Tensor view = t.reshape(Dims{6});
    view.upload(std::array<float, 6>{0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f});
    EXPECT_EQ(t.to_vector<float>()[5], 5.5f);
    // Any contiguous range of the tensor's dtype, and raw bytes.
    const double wide[] = {1e300, -0.25};
    Tensor f64 = Tensor::zeros(Shape{2}, DType::f64, mock_);
    f64.upload(std::span<const double>(wide));
    EXPECT_THAT(f64.to_vector<double>(), ElementsAre(1e300, -0.25));
    Tensor i64 = Tensor::zeros(Shape{1, 2}, DType::i64, mock_);
    const std::int64_t ints[] = {1LL << 40, -7};
    i64.upload(ints, sizeof ints);
    EXPECT_THAT(i64.to_vector<std::int64_t>(), ElementsAre(1LL << 40, -7));
    // Zero elements move nothing, so no host pointer is needed.
    Tensor none = Tensor::empty(Shape{0, 3}, DType::f32, mock_);
    EXPECT_NO_THROW(none.upload(std::vector<float>{}));
    EXPECT_NO_THROW(none.upload(nullptr, 0));
}

TEST_F(TensorTest, UploadRefusesAnotherDtypeOrSizeAndKeepsTheValues) {
    Tensor t = iota(Shape{2, 3});
    EXPECT_EQ(error_of([&] { t.upload(std::vector<double>(6)); }),
              "[upload] f64 values for f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.upload(std::vector<std::int64_t>(6)); }),
              "[upload] i64 values for f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.upload(std::vector<float>(5)); }),
              "[upload] 5 values for f32 (2,3) on mock:0, which holds 6");
    EXPECT_EQ(error_of([&] { t.upload(std::vector<float>(7)); }),
              "[upload] 7 values for f32 (2,3) on mock:0, which holds 6");
    const float small[1] = {9.f};
    EXPECT_EQ(error_of([&] { t.upload(small, sizeof small); }),
              "[upload] source holds 4 bytes, f32 (2,3) on mock:0 needs 24");
    EXPECT_EQ(error_of([&] { t.upload(nullptr, 24); }),
              "[upload] null host pointer for f32 (2,3) on mock:0");
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(0.f, 1.f, 2.f, 3.f, 4.f, 5.f));
}

// Element ranges reach the device as a byte offset beside the buffer's handle (never as
// pointer arithmetic on it): a part of the storage is written and read, the rest untouched.
TEST_F(TensorTest, RangesMoveOnlyTheirElements) {
    Tensor t = iota(Shape{2, 3});
    t.upload_range(2, std::vector<float>{-1.f, -2.f});
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(0.f, 1.f, -1.f, -2.f, 4.f, 5.f));
    EXPECT_THAT(t.to_vector<float>(3, 3), ElementsAre(-2.f, 4.f, 5.f));
    EXPECT_TRUE(t.to_vector<float>(6, 0).empty());
    float two[2] = {};
    t.to_host_range(4, two, sizeof two);
    EXPECT_THAT(two, ElementsAre(4.f, 5.f));
    Tensor d = Tensor::zeros(Shape{3}, DType::f64, mock_);
    const double one = 7.5;
    d.upload_range(2, &one, sizeof one);
    EXPECT_THAT(d.to_vector<double>(), ElementsAre(0.0, 0.0, 7.5));
}

TEST_F(TensorTest, RangesOutsideTheTensorOrOfPartElementsAreRefused) {
    Tensor t = iota(Shape{2, 3});
    EXPECT_EQ(error_of([&] { t.to_vector<float>(4, 3); }),
              "[to_host] elements [4, 7) are outside f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.to_vector<float>(-1, 1); }),
              "[to_host] elements [-1, 0) are outside f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.to_vector<float>(0, -1); }), "[to_vector] negative element count -1");
    EXPECT_EQ(error_of([&] { t.to_vector<double>(0, 1); }),
              "[to_vector] tensor is f32, asked for f64");
    EXPECT_EQ(error_of([&] { t.upload_range(5, std::vector<float>{1.f, 2.f}); }),
              "[upload] elements [5, 7) are outside f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.upload_range(0, std::vector<double>{1.0}); }),
              "[upload] f64 values for f32 (2,3) on mock:0");
    const char three[3] = {};
    EXPECT_EQ(error_of([&] { t.upload_range(0, three, sizeof three); }),
              "[upload] 3 bytes are not whole elements of f32 (2,3) on mock:0");
    EXPECT_EQ(error_of([&] { t.upload_range(1, nullptr, 4); }),
              "[upload] null host pointer for f32 (2,3) on mock:0");
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(0.f, 1.f, 2.f, 3.f, 4.f, 5.f));
}

TEST_F(TensorTest, FullAndZerosFill) {
    EXPECT_THAT(Tensor::full(Shape{3}, DType::f32, mock_, 2.5).to_vector<float>(), ElementsAre(2.5f, 2.5f, 2.5f));
    EXPECT_THAT(Tensor::zeros(Shape{2}, DType::i64, mock_).to_vector<std::int64_t>(), ElementsAre(0, 0));
}

TEST_F(TensorTest, ZeroElementTensorsMoveNothing) {
    const Tensor t = Tensor::from_host(nullptr, Shape{0, 3}, DType::f32, mock_);
    EXPECT_EQ(t.numel(), 0);
    EXPECT_TRUE(t.to_vector<float>().empty());
    EXPECT_EQ(t.reshape(Dims{3, -1}).shape(), (Shape{3, 0}));
}

TEST_F(TensorTest, ItemReadsOneElementOfAnyDtype) {
    EXPECT_EQ(Tensor::full(Shape{}, DType::f32, mock_, 0.5).item(), 0.5);
    EXPECT_EQ(Tensor::full(Shape{1, 1}, DType::f64, mock_, -3.25).item(), -3.25);
    EXPECT_EQ(Tensor::full(Shape{1}, DType::i64, mock_, 42).item(), 42.0);
    EXPECT_EQ(error_of([&] { (void)iota(Shape{2}).item(); }),
              "[item] f32 (2) on mock:0 does not hold exactly one element");
}

TEST_F(TensorTest, ReshapeIsAViewSharingStorage) {
    const Tensor t = iota(Shape{2, 3, 4});
    const Tensor v = t.reshape(Dims{6, 4});
    EXPECT_EQ(v.shape(), (Shape{6, 4}));
    EXPECT_TRUE(v.shares_storage(t));
    EXPECT_EQ(v.data(), t.data());
    EXPECT_EQ(t.storage_use_count(), 2);
    EXPECT_EQ(mock_->live_allocations(), 1);
    // A write through the view is visible through the original.
    Tensor view = t.reshape(Shape{24});
    copy_into(Tensor::full(Shape{24}, DType::f32, mock_, 9.0), view);
    EXPECT_EQ(t.to_vector<float>()[23], 9.0f);
}

TEST_F(TensorTest, ReshapeInfersOneMinusOne) {
    const Tensor t = iota(Shape{2, 3, 4});
    EXPECT_EQ(t.reshape(Dims{-1, 4}).shape(), (Shape{6, 4}));
    EXPECT_EQ(t.reshape(Dims{2, -1}).shape(), (Shape{2, 12}));
    EXPECT_EQ(t.reshape(Dims{-1}).shape(), (Shape{24}));
    EXPECT_EQ(t.reshape(Dims{1, -1, 1}).shape(), (Shape{1, 24, 1}));
    EXPECT_EQ(iota(Shape{}).reshape(Dims{-1}).shape(), (Shape{1}));
    EXPECT_EQ(iota(Shape{1, 1}).reshape(Shape{}).shape(), Shape{});
}

TEST_F(TensorTest, BadReshapesNameBothShapes) {
    const Tensor t = iota(Shape{2, 3, 4});
    EXPECT_EQ(error_of([&] { t.reshape(Dims{5, 5}); }),
              "[reshape] cannot view (2,3,4) (24 elements) as (5,5)");
    EXPECT_EQ(error_of([&] { t.reshape(Dims{-1, -1}); }),
              "[reshape] invalid dimension -1 (only one -1 may be inferred)");
    EXPECT_EQ(error_of([&] { t.reshape(Dims{-2, 12}); }),
              "[reshape] invalid dimension -2 (only one -1 may be inferred)");
    EXPECT_EQ(error_of([&] { t.reshape(Dims{5, -1}); }),
              "[reshape] cannot infer -1: 24 elements do not divide by 5");
    EXPECT_EQ(error_of([&] { iota(Shape{0, 3}).reshape(Dims{0, -1}); }),
              "[reshape] cannot infer -1: 0 elements do not divide by 0");
}

TEST_F(TensorTest, BufferIsFreedWhenTheLastViewDies) {
    Tensor t = iota(Shape{4, 4});
    Tensor copy = t;  // copying a Tensor shares, never duplicates
    Tensor view = t.reshape(Dims{16});
    EXPECT_EQ(mock_->live_allocations(), 1);
    EXPECT_EQ(t.storage_use_count(), 3);
    t = Tensor();
    copy = Tensor();
    EXPECT_EQ(mock_->live_allocations(), 1);
    EXPECT_EQ(view.to_vector<float>()[15], 15.0f);
    view = Tensor();
    EXPECT_EQ(mock_->live_allocations(), 0);
    EXPECT_EQ(mock_->live_bytes(), 0u);
}

TEST_F(TensorTest, CloneIsADeepCopy) {
    const Tensor t = iota(Shape{3});
    Tensor c = t.clone();
    EXPECT_FALSE(c.shares_storage(t));
    EXPECT_EQ(mock_->live_allocations(), 2);
    fill_(c, -1.0);
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(0.f, 1.f, 2.f));
    EXPECT_THAT(c.to_vector<float>(), ElementsAre(-1.f, -1.f, -1.f));
}

TEST_F(TensorTest, ToAnotherDeviceCopiesThroughTheHost) {
    const auto other = std::make_shared<MockDevice>("mock:1");
    const Tensor t = iota(Shape{2, 2});
    const Tensor moved = t.to(other);
    EXPECT_EQ(&moved.device(), other.get());
    EXPECT_EQ(moved.describe(), "f32 (2,2) on mock:1");
    EXPECT_THAT(moved.to_vector<float>(), ElementsAre(0.f, 1.f, 2.f, 3.f));
    EXPECT_EQ(other->live_allocations(), 1);
    EXPECT_EQ(mock_->kernel_calls() + other->kernel_calls(), 0);
}

TEST_F(TensorTest, BufferKeepsItsDeviceAlive) {
    auto device = std::make_shared<MockDevice>("mock:9");
    const std::weak_ptr<MockDevice> watch = device;
    Tensor t = Tensor::full(Shape{2}, DType::f32, device, 1.0);
    device.reset();
    ASSERT_FALSE(watch.expired());
    EXPECT_THAT(t.to_vector<float>(), ElementsAre(1.f, 1.f));
    t = Tensor();
    EXPECT_TRUE(watch.expired());
}

TEST_F(TensorTest, UndefinedTensorCallsNameTheCall) {
    const Tensor u;
    EXPECT_FALSE(u.defined());
    EXPECT_EQ(u.describe(), "undefined tensor");
    EXPECT_FALSE(u.shares_storage(Tensor()));
    const std::string suffix = "] tensor is undefined (no storage)";
    EXPECT_EQ(error_of([&] { (void)u.device(); }), "[device" + suffix);
    EXPECT_EQ(error_of([&] { (void)u.device_ptr(); }), "[device" + suffix);
    EXPECT_EQ(error_of([&] { (void)u.data(); }), "[data" + suffix);
    EXPECT_EQ(error_of([&] { u.to_vector<float>(); }), "[to_vector" + suffix);
    EXPECT_EQ(error_of([&] { (void)u.item(); }), "[item" + suffix);
    EXPECT_EQ(error_of([&] { float x; u.to_host(&x, sizeof x); }), "[to_host" + suffix);
    EXPECT_EQ(error_of([&] { u.reshape(Dims{1}); }), "[reshape" + suffix);
    EXPECT_EQ(error_of([&] { u.clone(); }), "[clone" + suffix);
    EXPECT_EQ(error_of([&] { u.to(mock_); }), "[to" + suffix);
    Tensor target;
    EXPECT_EQ(error_of([&] { target.upload(std::vector<float>{}); }), "[upload" + suffix);
    EXPECT_EQ(error_of([&] { target.upload(nullptr, 0); }), "[upload" + suffix);
}

TEST_F(TensorTest, TransfersRefuseMismatchedTypesAndSizes) {
    const Tensor t = iota(Shape{2, 3});
    EXPECT_EQ(error_of([&] { t.to_vector<double>(); }), "[to_vector] tensor is f32, asked for f64");
    EXPECT_EQ(error_of([&] { t.to_vector<std::int64_t>(); }), "[to_vector] tensor is f32, asked for i64");
    float small[1];
    EXPECT_EQ(error_of([&] { t.to_host(small, sizeof small); }),
              "[to_host] destination holds 4 bytes, f32 (2,3) on mock:0 needs 24");
    EXPECT_EQ(error_of([&] { Tensor::from_vector(std::vector<float>(5), Shape{2, 3}, mock_); }),
              "[from_vector] 5 values do not fill shape (2,3)");
    EXPECT_EQ(error_of([&] { Tensor::from_host(nullptr, Shape{2}, DType::f32, mock_); }),
              "[from_host] null host pointer for f32 (2) on mock:0");
    EXPECT_EQ(error_of([] { Tensor::empty(Shape{2}, DType::f32, nullptr); }), "[empty] no device given");
}

}  // namespace
}  // namespace anvil
