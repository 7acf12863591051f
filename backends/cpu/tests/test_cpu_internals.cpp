// Tests of the CPU backend's internals that the conformance suite cannot reach through the
// public API: gemm_tile (the per-thread GEMM with borrowed packing space) in every operand
// layout, the primitive GEMM's thread plans, the fused composites against the core defaults
// on shapes that span several row tiles with a partial last tile, on one and two threads,
// parallel splits of long reductions and of Adam across parameter boundaries, the fused f32
// sine, and workspace reuse.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "anvil/ops.h"
#include "cpu_device.h"
#include "gemm_kernels.h"

namespace anvil::cpu {
namespace {

std::vector<double> random_values(std::size_t n, std::uint32_t seed, double lo = -1, double hi = 1) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(n);
    for (double& x : v) x = u(rng);
    return v;
}

template <typename T> std::vector<T> cast(const std::vector<double>& v) {
    return std::vector<T>(v.begin(), v.end());
}

// Runs a test body once with one OpenMP thread and once with two.
template <typename F> void on_one_and_two_threads(F&& body) {
    const int saved = omp_get_max_threads();
    for (int threads : {1, 2}) {
        SCOPED_TRACE("threads = " + std::to_string(threads));
        omp_set_num_threads(threads);
        body();
    }
    omp_set_num_threads(saved);
}

struct GemmCase {
    Index m, n, k;
};

// c = alpha op(a) op(b) + beta c against a float64 loop, in all four layouts, including the
// GEMV shapes (m or n == 1), k == 0, and beta == 0 over a NaN-filled c.
TEST(CpuGemmTile, MatchesFloat64ReferenceInEveryLayout) {
    const GemmCase cases[] = {{1, 1, 1}, {1, 7, 5}, {6, 1, 5}, {37, 29, 0}, {3, 5, 1},
                              {64, 256, 256}, {300, 129, 70}, {17, 2, 256}};
    for (const GemmCase& gc : cases) {
        for (int layout = 0; layout < 4; ++layout) {
            for (double beta : {0.0, 1.0, 0.5}) {
                const bool ta = layout & 1, tb = layout & 2;
                SCOPED_TRACE(testing::Message() << "m=" << gc.m << " n=" << gc.n << " k=" << gc.k
                                                << " ta=" << ta << " tb=" << tb << " beta=" << beta);
                const auto a = random_values(static_cast<std::size_t>(gc.m * gc.k), 1);
                const auto b = random_values(static_cast<std::size_t>(gc.k * gc.n), 2);
                auto c0 = random_values(static_cast<std::size_t>(gc.m * gc.n), 3);
                if (beta == 0.0) std::fill(c0.begin(), c0.end(), std::numeric_limits<double>::quiet_NaN());
                std::vector<float> c = cast<float>(c0);
                const std::vector<float> af = cast<float>(a), bf = cast<float>(b);
                Workspace scratch;
                scratch.reserve(std::max<std::size_t>(1, gemm_tile_bytes<float>(gc.m, gc.n, gc.k)));
                gemm_tile<float>(ta, tb, gc.m, gc.n, gc.k, 1.5f, af.data(), bf.data(),
                                 static_cast<float>(beta), c.data(), scratch.data());
                for (Index i = 0; i < gc.m; ++i) {
                    for (Index j = 0; j < gc.n; ++j) {
                        double sum = 0, mag = 0;
                        for (Index p = 0; p < gc.k; ++p) {
                            const double x = ta ? af[p * gc.m + i] : af[i * gc.k + p];
                            const double y = tb ? bf[j * gc.k + p] : bf[p * gc.n + j];
                            sum += x * y;
                            mag += std::abs(x * y);
                        }
                        const double before = beta == 0.0 ? 0.0 : static_cast<float>(c0[i * gc.n + j]);
                        const double ref = 1.5 * sum + beta * before;
                        ASSERT_NEAR(c[i * gc.n + j], ref, 1e-5 * (1.5 * mag + std::abs(before)) + 1e-6)
                            << "at (" << i << "," << j << ")";
                    }
                }
            }
        }
    }
}

// The primitive gemm's thread plans: K split for small outputs over a long K (one partial
// per thread), row tiles for many rows and column tiles for many columns (each with a
// partial last tile; GEMV tiles when n == 1), one call for the rest; every
// layout and beta == 0 over NaN, on one and two threads.
TEST(CpuGemm, ThreadPlansMatchFloat64Reference) {
    auto device = std::make_shared<CpuDevice>();
    // Row tiles of 1024 with a partial last one (2500 rows), column tiles of 256 with a
    // partial last one (600 columns), GEMV tiles (n == 1), and single calls.
    const GemmCase cases[] = {{64, 48, 8192}, {1, 64, 8192}, {64, 1, 8192}, {3, 2, 5000},
                              {700, 33, 20}, {600, 1, 50}, {513, 64, 300}, {2500, 33, 20},
                              {2100, 1, 40}, {20, 600, 30}};
    on_one_and_two_threads([&] {
        for (const GemmCase& gc : cases) {
            for (int layout = 0; layout < 4; ++layout) {
                for (double beta : {0.0, 0.5}) {
                    const bool ta = layout & 1, tb = layout & 2;
                    SCOPED_TRACE(testing::Message() << "m=" << gc.m << " n=" << gc.n << " k=" << gc.k
                                                    << " ta=" << ta << " tb=" << tb << " beta=" << beta);
                    const auto av = cast<float>(random_values(static_cast<std::size_t>(gc.m * gc.k), 14));
                    const auto bv = cast<float>(random_values(static_cast<std::size_t>(gc.k * gc.n), 15));
                    auto cv = cast<float>(random_values(static_cast<std::size_t>(gc.m * gc.n), 16));
                    if (beta == 0.0) std::fill(cv.begin(), cv.end(), std::numeric_limits<float>::quiet_NaN());
                    const Tensor a = Tensor::from_vector(av, ta ? Shape{gc.k, gc.m} : Shape{gc.m, gc.k}, device);
                    const Tensor b = Tensor::from_vector(bv, tb ? Shape{gc.n, gc.k} : Shape{gc.k, gc.n}, device);
                    Tensor c = Tensor::from_vector(cv, Shape{gc.m, gc.n}, device);
                    gemm(ta, tb, 2.0, a, b, beta, c);
                    const auto got = c.to_vector<float>();
                    for (Index i = 0; i < gc.m; ++i) {
                        for (Index j = 0; j < gc.n; ++j) {
                            double sum = 0, mag = 0;
                            for (Index p = 0; p < gc.k; ++p) {
                                const double x = ta ? av[p * gc.m + i] : av[i * gc.k + p];
                                const double y = tb ? bv[j * gc.k + p] : bv[p * gc.n + j];
                                sum += x * y;
                                mag += std::abs(x * y);
                            }
                            const double before = beta == 0.0 ? 0.0 : cv[i * gc.n + j];
                            ASSERT_NEAR(got[i * gc.n + j], 2.0 * sum + beta * before, 1e-5 * (2.0 * mag + 1.0))
                                << "at (" << i << "," << j << ")";
                        }
                    }
                }
            }
        }
    });
}

class CpuComposites : public testing::Test {
protected:
    std::shared_ptr<CpuDevice> device_ = std::make_shared<CpuDevice>();

    template <typename T> Tensor upload(const std::vector<double>& v, const Shape& shape) {
        return Tensor::from_vector(cast<T>(v), shape, device_);
    }
    template <typename T> static void expect_close(const Tensor& got, const Tensor& want, double tol) {
        const auto g = got.to_vector<T>(), w = want.to_vector<T>();
        ASSERT_EQ(g.size(), w.size());
        for (std::size_t i = 0; i < g.size(); ++i)
            ASSERT_NEAR(g[i], w[i], tol * (1.0 + std::abs(static_cast<double>(w[i])))) << "element " << i;
    }

    // Fused forward and backward (public ops, dispatched to CpuDevice's overrides) against
    // the core defaults called on the same device, in f64 so only summation order differs.
    void check_linear(Index n, Index in, Index out, Activation act) {
        SCOPED_TRACE(testing::Message() << "N=" << n << " in=" << in << " out=" << out
                                        << " act=" << activation_name(act));
        using T = double;
        const Tensor x = upload<T>(random_values(static_cast<std::size_t>(n * in), 4), {n, in});
        const Tensor w = upload<T>(random_values(static_cast<std::size_t>(out * in), 5, -0.2, 0.2), {out, in});
        const Tensor b = upload<T>(random_values(static_cast<std::size_t>(out), 6), {out});
        const Tensor dy = upload<T>(random_values(static_cast<std::size_t>(n * out), 7), {n, out});
        Tensor y = Tensor::zeros({n, out}, DType::f64, device_), d = y.clone();
        Tensor y_ref = y.clone(), d_ref = y.clone();
        linear_act_forward(act, 30.0, x, w, &b, y, &d);
        device_->Device::linear_act_forward(act, 30.0, x, w, &b, y_ref, &d_ref);
        expect_close<T>(y, y_ref, 1e-9);
        expect_close<T>(d, d_ref, 1e-9);

        const double nan = std::numeric_limits<double>::quiet_NaN();
        Tensor dx = Tensor::full({n, in}, DType::f64, device_, nan), dx_ref = dx.clone();
        Tensor dw = Tensor::full({out, in}, DType::f64, device_, nan), dw_ref = dw.clone();
        Tensor db = Tensor::full({out}, DType::f64, device_, nan), db_ref = db.clone();
        linear_act_backward(x, w, dy, &d, &dx, dw, &db);
        device_->Device::linear_act_backward(x, w, dy, &d, &dx_ref, dw_ref, &db_ref);
        expect_close<T>(dx, dx_ref, 1e-9);
        expect_close<T>(dw, dw_ref, 1e-9 * static_cast<double>(n));
        expect_close<T>(db, db_ref, 1e-9 * static_cast<double>(n));
    }
};

// 256-wide layers tile by 256 rows: 3 full tiles and a partial one, the SIREN shapes
// (2 -> 256, 256 -> 256, 256 -> 1), and fewer rows than one tile.
TEST_F(CpuComposites, TiledLinearMatchesCoreDefaults) {
    on_one_and_two_threads([&] {
        for (Activation act : {Activation::identity, Activation::sine, Activation::relu,
                               Activation::tanh, Activation::sigmoid})
            check_linear(3 * 256 + 37, 256, 256, act);
        check_linear(1000, 2, 256, Activation::sine);
        check_linear(1000, 256, 1, Activation::identity);
        check_linear(5, 3, 4, Activation::sine);
    });
}

// The f32 sine layer computes sin and cos with one shared range reduction (sincos.h); it must
// agree with Eigen's separate sin and cos (the core default) over the whole float range:
// full packets and a tail, arguments past the fast reduction's limit, NaN and infinities.
TEST_F(CpuComposites, FusedSineMatchesSeparateSinCos) {
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> xs{0.0f, -0.0f, 1e-3f, -2.5f, 3.0f, 100.0f, -100.0f, 2382.5f, 3000.0f,
                          -3500.0f, 1e5f, -2e6f, 1e30f, nan, inf, -inf};
    for (int i = 0; i < 100; ++i) xs.push_back(0.37f * static_cast<float>(i) - 18.0f);
    const auto n = static_cast<Index>(xs.size());
    std::vector<float> ws;  // 37 outputs: two full 16-lane packets and a tail of 5
    for (int j = 0; j < 37; ++j) ws.push_back(j % 2 ? 1.0f + 0.25f * static_cast<float>(j) : -0.5f);
    const Tensor x = Tensor::from_vector(xs, {n, 1}, device_);
    const Tensor w = Tensor::from_vector(ws, {37, 1}, device_);
    const Tensor b = upload<float>(random_values(37, 17), {37});
    Tensor y = Tensor::zeros({n, 37}, DType::f32, device_), d = y.clone();
    Tensor y_ref = y.clone(), d_ref = y.clone();
    linear_act_forward(Activation::sine, 30.0, x, w, &b, y, &d);
    device_->Device::linear_act_forward(Activation::sine, 30.0, x, w, &b, y_ref, &d_ref);
    const auto yv = y.to_vector<float>(), yr = y_ref.to_vector<float>();
    const auto dv = d.to_vector<float>(), dr = d_ref.to_vector<float>();
    for (std::size_t i = 0; i < yv.size(); ++i) {
        SCOPED_TRACE(testing::Message() << "element " << i);
        EXPECT_EQ(std::isnan(yv[i]), std::isnan(yr[i]));
        EXPECT_EQ(std::isnan(dv[i]), std::isnan(dr[i]));
        if (std::isnan(yr[i])) continue;
        EXPECT_NEAR(yv[i], yr[i], 2e-7f);
        EXPECT_NEAR(dv[i], dr[i], 30 * 2e-7f);
    }
}

TEST_F(CpuComposites, BackwardWithoutDactOrOptionalOutputs) {
    on_one_and_two_threads([&] {
        const Index n = 700, in = 64, out = 96;
        const Tensor x = upload<float>(random_values(static_cast<std::size_t>(n * in), 8), {n, in});
        const Tensor w = upload<float>(random_values(static_cast<std::size_t>(out * in), 9), {out, in});
        const Tensor dy = upload<float>(random_values(static_cast<std::size_t>(n * out), 10), {n, out});
        Tensor dw = Tensor::zeros({out, in}, DType::f32, device_), dw_ref = dw.clone();
        linear_act_backward(x, w, dy, nullptr, nullptr, dw, nullptr);
        device_->Device::linear_act_backward(x, w, dy, nullptr, nullptr, dw_ref, nullptr);
        expect_close<float>(dw, dw_ref, 1e-5 * static_cast<double>(n));
    });
}

// Adam's one parallel pass treats all slots as one array; with two threads the split falls
// inside a slot, and odd sizes leave SIMD remainders at every boundary.
TEST_F(CpuComposites, AdamAcrossSlotBoundariesMatchesCoreDefault) {
    on_one_and_two_threads([&] {
        const std::vector<Index> sizes{40001, 3, 1, 33333, 17};
        std::vector<Tensor> p, g, m, v, p_ref, m_ref, v_ref;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const auto n = static_cast<std::size_t>(sizes[i]);
            const auto seed = static_cast<std::uint32_t>(20 + 4 * i);
            p.push_back(upload<float>(random_values(n, seed), {sizes[i]}));
            g.push_back(upload<float>(random_values(n, seed + 1), {sizes[i]}));
            m.push_back(upload<float>(random_values(n, seed + 2), {sizes[i]}));
            v.push_back(upload<float>(random_values(n, seed + 3, 0.0, 1.0), {sizes[i]}));
            p_ref.push_back(p.back().clone());
            m_ref.push_back(m.back().clone());
            v_ref.push_back(v.back().clone());
        }
        std::vector<AdamSlot> slots, slots_ref;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            slots.push_back({&p[i], &g[i], &m[i], &v[i]});
            slots_ref.push_back({&p_ref[i], &g[i], &m_ref[i], &v_ref[i]});
        }
        AdamParams params;
        params.step = 7;
        adam_update(slots, params);
        device_->Device::adam_update(slots_ref, params);
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            expect_close<float>(p[i], p_ref[i], 1e-6);
            expect_close<float>(m[i], m_ref[i], 1e-6);
            expect_close<float>(v[i], v_ref[i], 1e-6);
        }
    });
}

// Long rows split across threads: sums fold per-thread partials, argmax keeps the first
// maximum across the split (ties and NaN on both sides of it).
TEST_F(CpuComposites, LongReductionsSplitAcrossThreads) {
    on_one_and_two_threads([&] {
        const Index n = 200003;
        std::vector<double> values(static_cast<std::size_t>(n), 1.0);
        const Tensor ones = upload<float>(values, {1, n});
        EXPECT_EQ(sum(ones).item(), static_cast<double>(n));  // exact: accumulated in double
        EXPECT_EQ(argmax(ones, 1).to_vector<std::int64_t>()[0], 0);  // all tied: the first

        values[150000] = 2.0;
        values[150001] = 2.0;
        values[190000] = std::numeric_limits<double>::quiet_NaN();
        values[195000] = std::numeric_limits<double>::quiet_NaN();
        const Tensor x = upload<float>(values, {1, n});
        EXPECT_EQ(argmax(x, 1).to_vector<std::int64_t>()[0], 190000);
        EXPECT_TRUE(std::isnan(max(x).item()));
        values[190000] = values[195000] = 0.0;
        const Tensor y = upload<float>(values, {1, n});
        EXPECT_EQ(argmax(y, 1).to_vector<std::int64_t>()[0], 150000);
        EXPECT_EQ(max(y).item(), 2.0);
        EXPECT_EQ(min(y).item(), 0.0);
    });
}

// A training loop's composites see the same shapes every step: after the first step the
// workspaces (shared and per-thread) have stopped growing.
TEST_F(CpuComposites, WorkspacesStopGrowingAfterTheFirstStep) {
    const Index n = 2000, in = 128, out = 128;
    const Tensor x = upload<float>(random_values(static_cast<std::size_t>(n * in), 11), {n, in});
    const Tensor w = upload<float>(random_values(static_cast<std::size_t>(out * in), 12), {out, in});
    const Tensor b = upload<float>(random_values(static_cast<std::size_t>(out), 13), {out});
    Tensor y = Tensor::zeros({n, out}, DType::f32, device_), d = y.clone(), dx = x.clone();
    Tensor dw = w.clone(), db = b.clone();
    auto step = [&] {
        linear_act_forward(Activation::sine, 30.0, x, w, &b, y, &d);
        linear_act_backward(x, w, y, &d, &dx, dw, &db);
    };
    step();
    const std::size_t grown = device_->workspace_growths();
    EXPECT_GT(grown, 0u);
    for (int i = 0; i < 3; ++i) step();
    EXPECT_EQ(device_->workspace_growths(), grown);
}

}  // namespace
}  // namespace anvil::cpu
