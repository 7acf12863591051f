// The device op tests: each device backend's kernels against float64 host references and
// against the core's default composites (built from the same device's primitives), for every
// device backend this build has (cpu; cuda and opencl when built). An unavailable backend
// skips visibly with its reason (cuda on machines without a GPU). The cpu instances check the
// tests themselves (references, expected values, tolerances) on every machine, so that a
// failure on a GPU is the kernels' and not the test's. The shapes are those where a GPU
// kernel's layout matters: odd sizes, pack tails, long and narrow reduction axes.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "common/elementwise.h"
#include "device_fixture.h"
#include "support/host_tensor.h"
#include "support/reference.h"

namespace {

using anvil::DType;
using anvil::Shape;
using anvil::Tensor;
using Index = std::int64_t;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The op tests, on the backend named by the parameter.
class DeviceOps : public anvil::test::DeviceFixture,
                  public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override { open(GetParam()); }
};
INSTANTIATE_TEST_SUITE_P(Backends, DeviceOps,
                         ::testing::ValuesIn(anvil::test::device_backends(true)),
                         anvil::test::backend_param_name);


TEST_P(DeviceOps, GemmAllTransposesOddSizes) {
    const Index dims[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 1, 128}, {2, 70, 3}};
    unsigned seed = 1;
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (const auto& d : dims) {
                const Index m = d[0], n = d[1], k = d[2];
                auto a = random(static_cast<std::size_t>(m * k), -1, 1, seed++);
                auto b = random(static_cast<std::size_t>(k * n), -1, 1, seed++);
                auto c = random(static_cast<std::size_t>(m * n), -1, 1, seed++);
                Tensor ta_t = upload(a, ta ? Shape{k, m} : Shape{m, k});
                Tensor tb_t = upload(b, tb ? Shape{n, k} : Shape{k, n});
                Tensor tc = upload(c, Shape{m, n});
                anvil::gemm(ta, tb, 1.5, ta_t, tb_t, 0.5, tc);
                anvil::test::HostTensor expected(Shape{m, n}, c);
                anvil::test::ref::gemm(ta, tb, 1.5,
                                       anvil::test::HostTensor(ta_t.shape(), a),
                                       anvil::test::HostTensor(tb_t.shape(), b), 0.5, expected);
                SCOPED_TRACE(::testing::Message() << "ta=" << ta << " tb=" << tb << " M=" << m
                                                  << " N=" << n << " K=" << k);
                expect_close(download(tc), expected.values, 5e-5);
            }
}

// Inner dimensions past one k-slice of the opencl backend's CPU kernel (1024): its partial
// products are summed, and alpha and beta applied after; columns not a multiple of 8.
TEST_P(DeviceOps, GemmLongInnerDimension) {
    const Index m = 37, n = 19, k = 2500;
    unsigned seed = 200;
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (const auto& [alpha, beta] : {std::pair{1.0, 0.0}, std::pair{-0.5, 2.0}}) {
                auto a = random(static_cast<std::size_t>(m * k), -1, 1, seed++);
                auto b = random(static_cast<std::size_t>(k * n), -1, 1, seed++);
                auto c = random(static_cast<std::size_t>(m * n), -1, 1, seed++);
                Tensor ta_t = upload(a, ta ? Shape{k, m} : Shape{m, k});
                Tensor tb_t = upload(b, tb ? Shape{n, k} : Shape{k, n});
                Tensor tc = upload(c, Shape{m, n});
                anvil::gemm(ta, tb, alpha, ta_t, tb_t, beta, tc);
                anvil::test::HostTensor expected(Shape{m, n}, c);
                anvil::test::ref::gemm(ta, tb, alpha, anvil::test::HostTensor(ta_t.shape(), a),
                                       anvil::test::HostTensor(tb_t.shape(), b), beta, expected);
                SCOPED_TRACE(::testing::Message() << "ta=" << ta << " tb=" << tb
                                                  << " alpha=" << alpha << " beta=" << beta);
                // f32 dot products of 2500 terms of size 1: well inside 1e-4.
                expect_close(download(tc), expected.values, 1e-4);
            }
}

TEST_P(DeviceOps, GemmF64AndEmptyInnerDimension) {
    auto a = random(12, -1, 1, 3), b = random(20, -1, 1, 4);
    Tensor a64 = Tensor::from_vector(a, Shape{3, 4}, dev_);
    Tensor b64 = Tensor::from_vector(b, Shape{4, 5}, dev_);
    std::vector<double> expected(15, 0.0);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 5; ++j)
            for (int l = 0; l < 4; ++l) expected[i * 5 + j] += a[i * 4 + l] * b[l * 5 + j];
    expect_close(download(anvil::matmul(a64, b64)), expected, 1e-13);

    // K == 0 with beta == 0: c becomes zeros even where it held NaN.
    Tensor c = Tensor::full(Shape{3, 4}, DType::f32, dev_, kNaN);
    anvil::gemm(false, false, 1.0, Tensor::empty(Shape{3, 0}, DType::f32, dev_),
                Tensor::empty(Shape{0, 4}, DType::f32, dev_), 0.0, c);
    expect_close(download(c), std::vector<double>(12, 0.0), 0.0);
}

TEST_P(DeviceOps, UnaryMatchesTheSharedFunctors) {
    using anvil::UnaryOp;
    for (UnaryOp op : anvil::kUnaryOps) {
        const bool positive = op == UnaryOp::log || op == UnaryOp::sqrt;
        auto x = random(1001, positive ? 0.01 : -20, 20, 11);
        x[0] = positive ? 1.0 : 0.0;
        Tensor t = upload(x, Shape{7, 11, 13});
        std::vector<double> expected(x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            expected[i] = anvil::common::apply_unary(op, x[i]);
        SCOPED_TRACE(anvil::op_name(op));
        expect_close(download(anvil::unary(op, t)), expected, 2e-6);
    }
}

TEST_P(DeviceOps, SinCosAccurateForLargeArguments) {
    auto x = random(4096, -1e4, 1e4, 5);
    x[1] = 50.0;
    x[2] = -31.41592653589793;
    Tensor t = upload(x, Shape{4096});
    std::vector<double> s(x.size()), c(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) s[i] = std::sin(x[i]), c[i] = std::cos(x[i]);
    // Absolute: the values are in [-1, 1]; fast-math intrinsics miss this by orders of magnitude.
    const auto gs = download(anvil::sin(t)), gc = download(anvil::cos(t));
    for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_NEAR(gs[i], s[i], 3e-7) << "sin(" << x[i] << ")";
        EXPECT_NEAR(gc[i], c[i], 3e-7) << "cos(" << x[i] << ")";
    }
}

TEST_P(DeviceOps, ClipAffineAndSizesZeroAndOne) {
    auto x = random(9, -3, 3, 8);
    x[4] = kNaN;
    Tensor t = upload(x, Shape{3, 3});
    std::vector<double> clipped(9), affine(9);
    for (int i = 0; i < 9; ++i) {
        clipped[i] = anvil::common::clip(x[i], -1.0, 2.0);
        affine[i] = 2.5 * x[i] - 1.0;
    }
    expect_close(download(anvil::clip(t, -1.0, 2.0)), clipped, 0);
    expect_close(download(anvil::affine(t, 2.5, -1.0)), affine, 1e-6);
    EXPECT_EQ(anvil::exp(Tensor::empty(Shape{0}, DType::f32, dev_)).numel(), 0);
    EXPECT_NEAR(anvil::exp(Tensor::full(Shape{1}, DType::f32, dev_, 1.0)).item(), std::exp(1.0),
                1e-6);
}

TEST_P(DeviceOps, BinaryBroadcastingCorners) {
    using anvil::BinaryOp;
    const std::pair<Shape, Shape> cases[] = {
        {Shape{2, 3, 4}, Shape{3, 1}}, {Shape{5, 1}, Shape{1, 7}},   {Shape{}, Shape{6}},
        {Shape{4, 1, 3}, Shape{1, 5, 3}}, {Shape{6, 8}, Shape{6, 8}}, {Shape{0, 3}, Shape{3}}};
    unsigned seed = 20;
    for (const auto& [sa, sb] : cases)
        for (BinaryOp op : {BinaryOp::add, BinaryOp::sub, BinaryOp::mul, BinaryOp::div,
                            BinaryOp::maximum, BinaryOp::minimum}) {
            auto a = random(static_cast<std::size_t>(sa.numel()), -2, 2, seed++);
            auto b = random(static_cast<std::size_t>(sb.numel()), 0.5, 2, seed++);
            if (!a.empty()) a[0] = kNaN;
            Tensor out = anvil::binary(op, upload(a, sa), upload(b, sb));
            // Host broadcast through the core's geometry and the shared index math.
            const anvil::BroadcastGeometry g = anvil::broadcast_geometry("test", sa, sb);
            std::vector<double> expected(static_cast<std::size_t>(g.numel));
            for (Index i = 0; i < g.numel; ++i) {
                const auto off = anvil::common::broadcast_offsets(g, i);
                expected[static_cast<std::size_t>(i)] = anvil::common::apply_binary(
                    op, a[static_cast<std::size_t>(off.a)], b[static_cast<std::size_t>(off.b)]);
            }
            SCOPED_TRACE(::testing::Message() << anvil::op_name(op) << " " << sa.to_string()
                                              << " " << sb.to_string());
            expect_close(download(out), expected, 1e-6);
        }
}

// Host reduction over axis of x: (outer, length, inner).
std::vector<double> host_reduce(anvil::ReduceOp op, const std::vector<double>& x, Index outer,
                                Index length, Index inner) {
    std::vector<double> out;
    for (Index o = 0; o < outer; ++o)
        for (Index i = 0; i < inner; ++i) {
            double acc = op == anvil::ReduceOp::max   ? -INFINITY
                         : op == anvil::ReduceOp::min ? INFINITY
                                                      : 0.0;
            for (Index k = 0; k < length; ++k) {
                const double v = x[static_cast<std::size_t>((o * length + k) * inner + i)];
                if (op == anvil::ReduceOp::max) acc = anvil::common::maximum(acc, v);
                else if (op == anvil::ReduceOp::min) acc = anvil::common::minimum(acc, v);
                else acc += v;
            }
            out.push_back(op == anvil::ReduceOp::mean ? acc / static_cast<double>(length) : acc);
        }
    return out;
}

TEST_P(DeviceOps, ReductionsOverEveryAxis) {
    using anvil::ReduceOp;
    auto x = random(3 * 5 * 7, -4, 4, 30);
    Tensor t = upload(x, Shape{3, 5, 7});
    const Index layouts[3][3] = {{1, 3, 35}, {3, 5, 7}, {15, 7, 1}};  // (outer, length, inner)
    for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min}) {
        SCOPED_TRACE(anvil::op_name(op));
        expect_close(download(anvil::reduce(op, t)), host_reduce(op, x, 1, 105, 1), 1e-5);
        for (int axis = 0; axis < 3; ++axis) {
            const auto& g = layouts[axis];
            SCOPED_TRACE(axis);
            expect_close(download(anvil::reduce(op, t, axis)), host_reduce(op, x, g[0], g[1], g[2]),
                         1e-5);
        }
    }
    x[17] = kNaN;
    Tensor with_nan = upload(x, Shape{3, 5, 7});
    EXPECT_TRUE(std::isnan(anvil::max(with_nan).item()));
    EXPECT_TRUE(std::isnan(anvil::min(with_nan, 2).to_vector<float>()[2]));
    Tensor empty_axis = Tensor::empty(Shape{3, 0, 2}, DType::f32, dev_);
    expect_close(download(anvil::sum(empty_axis, 1)), std::vector<double>(6, 0.0), 0);
    expect_close(download(anvil::mean(empty_axis, 1)), std::vector<double>(6, kNaN), 0);
}

// The shapes where a reduction's layout matters on a GPU: a long axis with few columns, few
// long rows, a wide axis-0 reduction split into chunks and reduced again, a middle axis, and
// more columns than one block covers. NaN in one column checks max/min/argmax there.
TEST_P(DeviceOps, ReductionsOverLongAndNarrowAxes) {
    using anvil::ReduceOp;
    const std::vector<Shape> shapes = {Shape{100003, 3}, Shape{3, 100003}, Shape{65536, 256},
                                       Shape{64, 3000, 5}, Shape{2, 7001, 300}};
    unsigned seed = 80;
    for (const Shape& shape : shapes) {
        auto x = random(static_cast<std::size_t>(shape.numel()), -4, 4, seed++);
        x[x.size() / 2] = kNaN;
        const Tensor t = upload(x, shape);
        for (int axis = 0; axis < shape.rank(); ++axis) {
            Index outer = 1, inner = 1;
            for (int d = 0; d < axis; ++d) outer *= shape[d];
            for (int d = axis + 1; d < shape.rank(); ++d) inner *= shape[d];
            const Index length = shape[axis];
            SCOPED_TRACE(::testing::Message() << shape.to_string() << " axis " << axis);
            for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min}) {
                SCOPED_TRACE(anvil::op_name(op));
                // f32 sums of up to 10^5 terms in any order: well inside 1e-4 of the scale.
                expect_close(download(anvil::reduce(op, t, axis)),
                             host_reduce(op, x, outer, length, inner), 1e-4);
            }
            std::vector<std::int64_t> expected;
            for (Index o = 0; o < outer; ++o)
                for (Index i = 0; i < inner; ++i) {
                    Index best = 0;
                    for (Index k = 0; k < length; ++k) {
                        const double v = x[static_cast<std::size_t>((o * length + k) * inner + i)];
                        const double b = x[static_cast<std::size_t>((o * length + best) * inner + i)];
                        if (std::isnan(b)) break;
                        if (std::isnan(v) || v > b) best = k;
                    }
                    expected.push_back(best);
                }
            EXPECT_EQ(anvil::argmax(t, axis).to_vector<std::int64_t>(), expected);
        }
    }
}

// Elementwise kernels run on 16-byte packs when they can: every size around a pack boundary
// (tails of 1 to 3 elements), in place, a scalar operand on either side, and a row broadcast
// (the indexed path) must give the element-by-element result.
TEST_P(DeviceOps, PackedElementwiseTailsInPlaceAndBroadcast) {
    using anvil::BinaryOp;
    using anvil::UnaryOp;
    unsigned seed = 90;
    for (Index n : {Index{1}, Index{3}, Index{4}, Index{5}, Index{1023}, Index{4099}}) {
        SCOPED_TRACE(n);
        auto av = random(static_cast<std::size_t>(n), -3, 3, seed++);
        auto bv = random(static_cast<std::size_t>(n), 0.5, 2, seed++);
        std::vector<double> sv = {1.5};
        const Tensor a = upload(av, Shape{n}), b = upload(bv, Shape{n});
        const Tensor scalar = upload(sv, Shape{});
        std::vector<double> sin_a, sum, scaled, left, right;
        for (std::size_t i = 0; i < av.size(); ++i) {
            sin_a.push_back(std::sin(av[i]));
            sum.push_back(av[i] + bv[i]);
            scaled.push_back(2.0 * av[i] - 1.0);
            left.push_back(sv[0] - av[i]);
            right.push_back(av[i] / sv[0]);
        }
        expect_close(download(anvil::unary(UnaryOp::sin, a)), sin_a, 1e-6);
        Tensor in_place = a.clone();
        anvil::affine_into(in_place, 2.0, -1.0, in_place);
        expect_close(download(in_place), scaled, 1e-6);
        Tensor acc = a.clone();
        anvil::binary_into(BinaryOp::add, acc, b, acc);
        expect_close(download(acc), sum, 1e-6);
        expect_close(download(anvil::binary(BinaryOp::sub, scalar, a)), left, 1e-6);
        expect_close(download(anvil::binary(BinaryOp::div, a, scalar)), right, 1e-6);
    }
    for (const auto& [rows, cols] : std::vector<std::pair<Index, Index>>{{37, 8}, {5, 3}, {300, 256}}) {
        auto xv = random(static_cast<std::size_t>(rows * cols), -1, 1, seed++);
        auto rv = random(static_cast<std::size_t>(cols), -1, 1, seed++);
        const Tensor x = upload(xv, Shape{rows, cols}), row = upload(rv, Shape{cols});
        std::vector<double> expected;
        for (Index r = 0; r < rows; ++r)
            for (Index c = 0; c < cols; ++c)
                expected.push_back(xv[static_cast<std::size_t>(r * cols + c)] *
                                   rv[static_cast<std::size_t>(c)]);
        expect_close(download(anvil::binary(BinaryOp::mul, x, row)), expected, 1e-6);
    }
}

// The fused bias + activation kernel lays threads out by (column, row), on packs when the row
// length is a multiple of 4: narrow and wide rows, rows longer than a block covers, no bias,
// and no derivative requested must all match the core default.
TEST_P(DeviceOps, FusedLinearActivationRowLayouts) {
    using anvil::Activation;
    unsigned seed = 100;
    for (const auto& [rows, in, out] : std::vector<std::array<Index, 3>>{
             {37, 2, 8}, {1, 3, 4}, {300, 5, 256}, {6, 4, 1032}, {9, 2, 1}, {4, 3, 1030},
             {3, 0, 4}}) {
        SCOPED_TRACE(::testing::Message() << rows << "x" << in << " -> " << out);
        auto xv = random(static_cast<std::size_t>(rows * in), -1, 1, seed++);
        auto wv = random(static_cast<std::size_t>(out * in), -1, 1, seed++);
        auto bv = random(static_cast<std::size_t>(out), -1, 1, seed++);
        const Tensor x = upload(xv, Shape{rows, in}), w = upload(wv, Shape{out, in});
        const Tensor b = upload(bv, Shape{out});
        for (const Tensor* bias : {&b, static_cast<const Tensor*>(nullptr)}) {
            Tensor y1 = Tensor::empty(Shape{rows, out}, DType::f32, dev_), d1 = y1.clone();
            Tensor y2 = y1.clone(), d2 = y1.clone(), y3 = y1.clone();
            dev_->linear_act_forward(Activation::sine, 30.0, x, w, bias, y1, &d1);
            dev_->anvil::Device::linear_act_forward(Activation::sine, 30.0, x, w, bias, y2, &d2);
            dev_->linear_act_forward(Activation::sine, 30.0, x, w, bias, y3, nullptr);
            expect_close(download(y1), download(y2), 1e-5);
            expect_close(download(d1), download(d2), 1e-3);
            expect_close(download(y3), download(y2), 1e-5);
        }
    }
}

TEST_P(DeviceOps, ArgmaxFirstMaximumAndNaN) {
    std::vector<double> x = {1, 3, 3, 0,  //
                             2, 2, 2, 2,  //
                             5, kNaN, 9, 1};
    Tensor t = upload(x, Shape{3, 4});
    EXPECT_EQ(anvil::argmax(t, 1).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 1}));
    EXPECT_EQ(anvil::argmax(t, 0).to_vector<std::int64_t>(),
              (std::vector<std::int64_t>{2, 2, 2, 1}));
    auto y = random(2 * 50 * 3, -1, 1, 40);
    Tensor ty = upload(y, Shape{2, 50, 3});
    const auto got = anvil::argmax(ty, 1).to_vector<std::int64_t>();
    for (Index o = 0; o < 2; ++o)
        for (Index i = 0; i < 3; ++i) {
            Index best = 0;
            for (Index k = 1; k < 50; ++k)
                if (y[static_cast<std::size_t>((o * 50 + k) * 3 + i)] >
                    y[static_cast<std::size_t>((o * 50 + best) * 3 + i)])
                    best = k;
            EXPECT_EQ(got[static_cast<std::size_t>(o * 3 + i)], best);
        }
}

TEST_P(DeviceOps, TransposeFillAndCopy) {
    for (const auto& [r, c] : {std::pair<Index, Index>{37, 65}, {1, 1}, {64, 32}, {1, 100}}) {
        auto x = random(static_cast<std::size_t>(r * c), -1, 1, 50);
        Tensor t = upload(x, Shape{r, c});
        std::vector<double> expected(x.size());
        for (Index i = 0; i < r; ++i)
            for (Index j = 0; j < c; ++j)
                expected[static_cast<std::size_t>(j * r + i)] = x[static_cast<std::size_t>(i * c + j)];
        expect_close(download(anvil::transpose(t)), expected, 0);
        expect_close(download(anvil::transpose(t.to(dev_).clone())), expected, 0);
    }
    Tensor ints = Tensor::full(Shape{5}, DType::i64, dev_, 7.0);
    EXPECT_EQ(ints.to_vector<std::int64_t>(), std::vector<std::int64_t>(5, 7));
    Tensor d = Tensor::full(Shape{2, 3}, DType::f64, dev_, -0.25);
    expect_close(download(d.clone()), std::vector<double>(6, -0.25), 0);
}

// The fused composites must compute what the core defaults compute from this device's
// primitives (Device::<composite> called non-virtually).
TEST_P(DeviceOps, FusedLinearActivationMatchesCoreDefault) {
    using anvil::Activation;
    auto xv = random(33 * 5, -1, 1, 60), wv = random(7 * 5, -1, 1, 61), bv = random(7, -1, 1, 62);
    const Tensor x = upload(xv, Shape{33, 5}), w = upload(wv, Shape{7, 5}), b = upload(bv, Shape{7});
    for (Activation act : {Activation::identity, Activation::sine, Activation::relu,
                           Activation::tanh, Activation::sigmoid}) {
        SCOPED_TRACE(anvil::activation_name(act));
        const double omega = act == Activation::sine ? 30.0 : 1.0;
        Tensor y1 = Tensor::empty(Shape{33, 7}, DType::f32, dev_), d1 = y1.clone();
        Tensor y2 = y1.clone(), d2 = y1.clone();
        dev_->linear_act_forward(act, omega, x, w, &b, y1, &d1);
        dev_->anvil::Device::linear_act_forward(act, omega, x, w, &b, y2, &d2);
        expect_close(download(y1), download(y2), 1e-5);
        expect_close(download(d1), download(d2), 1e-4);

        auto dyv = random(33 * 7, -1, 1, 63);
        const Tensor dy = upload(dyv, Shape{33, 7});
        Tensor dx1 = Tensor::empty(Shape{33, 5}, DType::f32, dev_), dx2 = dx1.clone();
        Tensor dw1 = Tensor::empty(Shape{7, 5}, DType::f32, dev_), dw2 = dw1.clone();
        Tensor db1 = Tensor::empty(Shape{7}, DType::f32, dev_), db2 = db1.clone();
        dev_->linear_act_backward(x, w, dy, &d1, &dx1, dw1, &db1);
        dev_->anvil::Device::linear_act_backward(x, w, dy, &d2, &dx2, dw2, &db2);
        expect_close(download(dx1), download(dx2), 1e-4);
        expect_close(download(dw1), download(dw2), 1e-4);
        expect_close(download(db1), download(db2), 1e-4);
    }
}

TEST_P(DeviceOps, FusedLossAndOptimizersMatchCoreDefault) {
    auto pv = random(300, -1, 1, 70), tv = random(300, -1, 1, 71);
    const Tensor pred = upload(pv, Shape{100, 3}), target = upload(tv, Shape{100, 3});
    Tensor l1 = Tensor::empty(Shape{}, DType::f32, dev_), l2 = l1.clone();
    Tensor g1 = Tensor::empty(Shape{100, 3}, DType::f32, dev_), g2 = g1.clone();
    dev_->mse_loss_grad(pred, target, l1, &g1);
    dev_->anvil::Device::mse_loss_grad(pred, target, l2, &g2);
    EXPECT_NEAR(l1.item(), l2.item(), 1e-6);
    expect_close(download(g1), download(g2), 1e-6);

    auto gv = random(300, -1, 1, 72);
    const Tensor grad = upload(gv, Shape{100, 3});
    Tensor p1 = pred.clone(), p2 = pred.clone();
    Tensor m1 = Tensor::full(Shape{100, 3}, DType::f32, dev_, 0.01), m2 = m1.clone();
    Tensor v1 = Tensor::full(Shape{100, 3}, DType::f32, dev_, 0.02), v2 = v1.clone();
    const anvil::AdamSlot s1[] = {{&p1, &grad, &m1, &v1}}, s2[] = {{&p2, &grad, &m2, &v2}};
    const anvil::AdamParams adam{1e-2, 0.9, 0.999, 1e-8, 3};
    dev_->adam_update(s1, adam);
    dev_->anvil::Device::adam_update(s2, adam);
    expect_close(download(p1), download(p2), 1e-6);
    expect_close(download(m1), download(m2), 1e-6);
    expect_close(download(v1), download(v2), 1e-6);

    for (double momentum : {0.0, 0.9}) {
        Tensor q1 = pred.clone(), q2 = pred.clone();
        Tensor vel1 = Tensor::full(Shape{100, 3}, DType::f32, dev_, 0.1), vel2 = vel1.clone();
        const anvil::SgdSlot t1[] = {{&q1, &grad, &vel1}}, t2[] = {{&q2, &grad, &vel2}};
        dev_->sgd_update(t1, {0.05, momentum});
        dev_->anvil::Device::sgd_update(t2, {0.05, momentum});
        expect_close(download(q1), download(q2), 1e-6);
        expect_close(download(vel1), download(vel2), 1e-6);
    }
}

// Adam over many parameter tensors at once (the cuda backend batches up to 24 per launch):
// 30 tensors of uneven sizes, empty and single-element ones among them, in f32 and f64.
TEST_P(DeviceOps, AdamOverManyTensorsMatchesCoreDefault) {
    for (DType dtype : {DType::f32, DType::f64}) {
        SCOPED_TRACE(anvil::dtype_name(dtype));
        std::vector<Tensor> p1, p2, g, m1, m2, v1, v2;
        unsigned seed = 120;
        for (Index j = 0; j < 30; ++j) {
            const Index n = (j % 7) * 37 + (j == 5 ? 1 : 0);
            auto pv = random(static_cast<std::size_t>(n), -1, 1, seed++);
            auto gv = random(static_cast<std::size_t>(n), -1, 1, seed++);
            const auto make = [&](std::vector<double>& values) {
                return dtype == DType::f32 ? upload(values, Shape{n})
                                           : Tensor::from_vector(values, Shape{n}, dev_);
            };
            p1.push_back(make(pv));
            p2.push_back(p1.back().clone());
            g.push_back(make(gv));
            m1.push_back(Tensor::full(Shape{n}, dtype, dev_, 0.01));
            m2.push_back(m1.back().clone());
            v1.push_back(Tensor::full(Shape{n}, dtype, dev_, 0.02));
            v2.push_back(v1.back().clone());
        }
        std::vector<anvil::AdamSlot> s1, s2;
        for (std::size_t j = 0; j < p1.size(); ++j) {
            s1.push_back({&p1[j], &g[j], &m1[j], &v1[j]});
            s2.push_back({&p2[j], &g[j], &m2[j], &v2[j]});
        }
        const anvil::AdamParams adam{1e-2, 0.9, 0.999, 1e-8, 4};
        dev_->adam_update(s1, adam);
        dev_->anvil::Device::adam_update(s2, adam);
        for (std::size_t j = 0; j < p1.size(); ++j) {
            SCOPED_TRACE(j);
            expect_close(download(p1[j]), download(p2[j]), 1e-6);
            expect_close(download(m1[j]), download(m2[j]), 1e-6);
            expect_close(download(v1[j]), download(v2[j]), 1e-6);
        }
    }
}

}  // namespace
