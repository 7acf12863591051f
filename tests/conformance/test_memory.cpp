// Conformance of fill and copy (same device, and across backends through Tensor::to), the
// refusal to mix devices of two backends in one op, and the capability query itself: f32 is
// required of every op, and an op declared unsupported must be refused, not computed.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ANVIL_DTYPE_SUITE(Fill);
ANVIL_DTYPE_SUITE(Copy);
ANVIL_BACKEND_SUITE(DeviceMixing);
ANVIL_BACKEND_SUITE(Capabilities);

TEST_P(Fill, OddSizesAndValues) {
    ANVIL_REQUIRE_OP(Op::fill);
    for (std::int64_t n : kOddSizes) {
        for (double value : {0.0, -1.5, 0.1, 1e30, kNaN, -kInf}) {
            Tensor t = upload(HostTensor(Shape{n}, 7.0));
            fill_(t, value);
            EXPECT_TRUE(all_equal(to_host(t), HostTensor(Shape{n}, value), dtype()))
                << "fill " << value << " into " << n << " elements";
        }
    }
}

TEST_P(Fill, FullAndZerosOfAnyRank) {
    ANVIL_REQUIRE_OP(Op::fill);
    for (const Shape& s :
         {Shape{}, Shape{1, 1}, Shape{3, 1, 7}, Shape{2, 3, 4, 5}, Shape{2, 0, 3}}) {
        EXPECT_TRUE(all_equal(to_host(Tensor::full(s, dtype(), device(), 2.5)), HostTensor(s, 2.5),
                              dtype()))
            << s.to_string();
        EXPECT_TRUE(
            all_equal(to_host(Tensor::zeros(s, dtype(), device())), HostTensor(s, 0.0), dtype()))
            << s.to_string();
    }
}

TEST_P(Copy, SameDeviceIsADeepCopy) {
    ANVIL_REQUIRE_OP(Op::copy);
    ANVIL_REQUIRE_OP(Op::fill);
    for (std::int64_t n : kOddSizes) {
        const HostTensor x = uniform(Shape{n}, -1.0, 1.0, 800 + static_cast<std::uint64_t>(n));
        const Tensor original = upload(x);
        Tensor copy = original.clone();
        EXPECT_FALSE(n > 0 && copy.shares_storage(original));
        EXPECT_TRUE(all_equal(to_host(copy), x, dtype())) << "clone of " << n;
        Tensor dst = upload(HostTensor(Shape{n}, 3.0));
        copy_into(original, dst);
        EXPECT_TRUE(all_equal(to_host(dst), x, dtype())) << "copy_into of " << n;
        if (n > 0) {  // writing the copy leaves the original alone
            fill_(copy, -9.0);
            EXPECT_TRUE(all_equal(to_host(original), x, dtype())) << "original of " << n;
        }
    }
}

TEST_P(Copy, ViewsShareStorage) {
    ANVIL_REQUIRE_OP(Op::copy);
    const HostTensor x = uniform(Shape{6, 4}, -1.0, 1.0, 810);
    const Tensor t = upload(x);
    const Tensor view = t.reshape(Shape{2, 3, 4});
    EXPECT_TRUE(view.shares_storage(t));
    EXPECT_TRUE(all_equal(to_host(view), HostTensor(Shape{2, 3, 4}, x.values), dtype()));
    const Tensor moved = view.to(device());
    EXPECT_FALSE(moved.shares_storage(t));
    EXPECT_EQ(moved.shape(), (Shape{2, 3, 4}));
}

TEST_P(Copy, AcrossBackends) {
    ANVIL_REQUIRE_OP(Op::copy);
    const std::vector<std::string> others = other_backends(backend());
    if (others.empty()) GTEST_SKIP() << "no other available backend to copy to or from";
    const HostTensor x = uniform(Shape{17, 65}, -1.0, 1.0, 820);
    const Tensor here = upload(x);
    for (const std::string& name : others) {
        const std::shared_ptr<Device> there = anvil::device(name);
        const Tensor moved = here.to(there);
        EXPECT_EQ(&moved.device(), there.get());
        EXPECT_TRUE(all_equal(to_host(moved), x, dtype())) << backend() << " -> " << name;
        const Tensor back = moved.to(device());
        EXPECT_EQ(&back.device(), device().get());
        EXPECT_TRUE(all_equal(to_host(back), x, dtype())) << name << " -> " << backend();
        Tensor dst = to_device(HostTensor(Shape{17, 65}), dtype(), there);
        copy_into(here, dst);
        EXPECT_TRUE(all_equal(to_host(dst), x, dtype())) << "copy_into " << name;
    }
}

TEST_P(Copy, Int64RoundTrip) {
    // i64 carries argmax results: host transfers and copies must keep all 64 bits.
    if (!device()->supports(Op::copy, DType::i64))
        GTEST_SKIP() << "backend '" << backend() << "' does not support copy for i64";
    const std::vector<std::int64_t> v{0, -1, 1LL << 40, -(1LL << 53) - 1, 7};
    const Tensor t = Tensor::from_vector(v, Shape{5}, device());
    EXPECT_EQ(t.clone().to_vector<std::int64_t>(), v);
}

TEST_P(Copy, ShapeOrDTypeMismatchIsAnError) {
    ANVIL_REQUIRE_OP(Op::copy);
    const Tensor src = upload(HostTensor(Shape{2, 3}));
    Tensor wrong_shape = upload(HostTensor(Shape{3, 2}));
    EXPECT_TRUE(throws_error([&] { copy_into(src, wrong_shape); }, "[copy]", {"(3,2)", "(2,3)"}));
    const DType other = dtype() == DType::f32 ? DType::f64 : DType::f32;
    Tensor wrong_dtype = to_device(HostTensor(Shape{2, 3}), other, device());
    EXPECT_TRUE(throws_error([&] { copy_into(src, wrong_dtype); }, "[copy]", {"dtypes differ"}));
}

TEST_P(DeviceMixing, IsAnErrorNamingBothDevices) {
    const std::vector<std::string> others = other_backends(backend());
    if (others.empty()) GTEST_SKIP() << "no other available backend to mix with " << backend();
    const Tensor a = upload(HostTensor(Shape{3, 3}, 1.0));
    for (const std::string& name : others) {
        const std::shared_ptr<Device> there = anvil::device(name);
        const Tensor b = to_device(HostTensor(Shape{3, 3}, 1.0), dtype(), there);
        const std::vector<std::string> both{device()->name(), there->name()};
        EXPECT_TRUE(throws_error([&] { add(a, b); }, "[add]", both));
        EXPECT_TRUE(throws_error([&] { maximum(b, a); }, "[maximum]", both));
        EXPECT_TRUE(throws_error([&] { matmul(a, b); }, "[matmul]", both));
        Tensor c = to_device(HostTensor(Shape{3, 3}), dtype(), there);
        EXPECT_TRUE(throws_error([&] { gemm(false, false, 1.0, a, a, 0.0, c); }, "[gemm]", both));
        Tensor out = to_device(HostTensor(Shape{3, 3}), dtype(), there);
        EXPECT_TRUE(throws_error([&] { unary_into(UnaryOp::sin, a, out); }, "[sin]", both));
        Tensor y = upload(HostTensor(Shape{3, 3}));
        EXPECT_TRUE(throws_error(
            [&] { linear_act_forward(Activation::sine, 30.0, a, b, nullptr, y, nullptr); },
            "[linear_act_forward]", both));
    }
}

TEST_P(Capabilities, EveryOpSupportsF32) {
    std::string missing;
    for (int i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        if (!device()->supports(op, DType::f32)) missing += std::string(" ") + op_name(op);
    }
    EXPECT_TRUE(missing.empty()) << "backend '" << backend()
                                 << "' lacks ops that every backend must support in f32:"
                                 << missing;
}

TEST_P(Capabilities, UnsupportedF64OpsAreRefused) {
    // Where a backend declares an op unsupported for f64, calling it must throw an error that
    // names the op, never compute silently or fall back to another backend.
    const Tensor x = to_device(HostTensor(Shape{4}, 0.5), DType::f64, device());
    int refused = 0;
    auto expect_refused = [&](Op op, const std::function<void()>& call) {
        if (device()->supports(op, DType::f64)) return;
        ++refused;
        EXPECT_TRUE(throws_error(call, std::string("[") + op_name(op) + "]", {"f64"}));
    };
    for (int i = 0; i <= static_cast<int>(UnaryOp::step); ++i) {
        const auto op = static_cast<UnaryOp>(i);
        expect_refused(to_op(op), [&] { unary(op, x); });
    }
    for (int i = 0; i <= static_cast<int>(BinaryOp::minimum); ++i) {
        const auto op = static_cast<BinaryOp>(i);
        expect_refused(to_op(op), [&] { binary(op, x, x); });
    }
    for (int i = 0; i <= static_cast<int>(ReduceOp::min); ++i) {
        const auto op = static_cast<ReduceOp>(i);
        expect_refused(to_op(op), [&] { reduce(op, x); });
    }
    const Tensor m = to_device(HostTensor(Shape{2, 2}), DType::f64, device());
    expect_refused(Op::gemm, [&] { matmul(m, m); });
    expect_refused(Op::transpose, [&] { transpose(m); });
    if (refused == 0) GTEST_SKIP() << "backend '" << backend() << "' supports these ops in f64";
}

}  // namespace
}  // namespace anvil::test
