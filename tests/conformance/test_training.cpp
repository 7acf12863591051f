// Conformance of the training composites: mse_loss_grad, adam_update over several slots for
// several steps, and sgd_update with and without momentum. Each optimizer step is checked
// against the reference started from the device's own state before that step, so rounding
// does not compound across steps and every step is judged on its own.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ANVIL_DTYPE_SUITE(MseLossGrad);
ANVIL_DTYPE_SUITE(AdamUpdate);

TEST_P(MseLossGrad, OddSizesWithAndWithoutGrad) {
    ANVIL_REQUIRE_OP(Op::mse_loss_grad);
    const double u = unit_roundoff(dtype());
    std::uint64_t seed = 1100;
    for (const Shape& s : {Shape{1}, Shape{7, 3}, Shape{1023, 3}, Shape{65537}, Shape{1, 1}}) {
        const HostTensor pred = uniform(s, -1.0, 1.0, seed++);
        const HostTensor target = uniform(s, -1.0, 1.0, seed++);
        const ref::MseResult r = ref::mse_loss_grad(pred, target);
        // loss: n non-negative terms, each a rounded difference squared: gamma(n + 4) * loss.
        // grad: 2 (p - t) / n, three roundings (difference, constant, product).
        const HostTensor loss_extra(Shape{}, gamma_n(s.numel() + 4) * r.loss);
        for (bool with_grad : {true, false}) {
            Tensor loss = upload(HostTensor(Shape{}, kNaN));
            Tensor grad = upload(HostTensor(s, kNaN));
            mse_loss_grad(upload(pred), upload(target), loss, with_grad ? &grad : nullptr);
            EXPECT_TRUE(
                all_close(to_host(loss), HostTensor(Shape{}, r.loss), dtype(), {}, &loss_extra))
                << "loss of " << s.to_string();
            if (with_grad) {
                EXPECT_TRUE(all_close(to_host(grad), r.grad, dtype(), {0.0, 4 * u}))
                    << "grad of " << s.to_string();
            }
        }
    }
}

TEST_P(MseLossGrad, ExactFitIsZeroAndEmptyIsAnError) {
    ANVIL_REQUIRE_OP(Op::mse_loss_grad);
    const HostTensor x = uniform(Shape{17}, -1.0, 1.0, 1110);
    Tensor loss = upload(HostTensor(Shape{}, kNaN)), grad = upload(HostTensor(Shape{17}, kNaN));
    mse_loss_grad(upload(x), upload(x), loss, &grad);
    EXPECT_EQ(to_host(loss)[0], 0.0);
    EXPECT_TRUE(all_equal(to_host(grad), HostTensor(Shape{17}, 0.0), dtype()));
    const Tensor empty = upload(HostTensor(Shape{0}));
    EXPECT_TRUE(throws_error([&] { mse_loss_grad(empty, empty, loss, nullptr); }, "[mse_loss_grad]",
                             {"empty"}));
}

// Parameter tensors of several shapes (including one element and none) with gradients of
// different scales, as in a network whose layers see different gradient magnitudes.
const std::vector<Shape> kSlotShapes{Shape{7, 3}, Shape{17}, Shape{1023}, Shape{1, 1}, Shape{0}};
const std::vector<double> kGradScales{1.0, 1e-3, 10.0, 1.0, 1.0};

TEST_P(AdamUpdate, SeveralSlotsSeveralSteps) {
    ANVIL_REQUIRE_OP(Op::adam_update);
    const double u = unit_roundoff(dtype());
    const std::size_t count = kSlotShapes.size();
    std::vector<Tensor> p, m, v, g(count);
    for (std::size_t s = 0; s < count; ++s) {
        p.push_back(upload(uniform(kSlotShapes[s], -1.0, 1.0, 1200 + s)));
        m.push_back(upload(HostTensor(kSlotShapes[s], 0.0)));
        v.push_back(upload(HostTensor(kSlotShapes[s], 0.0)));
    }
    AdamParams params;
    params.lr = 1e-2;
    for (std::int64_t step = 1; step <= 5; ++step) {
        params.step = step;
        std::vector<AdamSlot> slots;
        std::vector<HostTensor> p0, m0, v0, g0;
        for (std::size_t s = 0; s < count; ++s) {
            const double scale = kGradScales[s];
            g0.push_back(uniform(kSlotShapes[s], -scale, scale, 1300 + 10 * step + s));
            g[s] = upload(g0.back());
            p0.push_back(to_host(p[s]));
            m0.push_back(to_host(m[s]));
            v0.push_back(to_host(v[s]));
            slots.push_back({&p[s], &g[s], &m[s], &v[s]});
        }
        adam_update(slots, params);
        const double c1 = 1.0 / (1.0 - std::pow(params.beta1, double(step)));
        const double c2 = 1.0 / (1.0 - std::pow(params.beta2, double(step)));
        for (std::size_t s = 0; s < count; ++s) {
            HostTensor p1 = p0[s], m1 = m0[s], v1 = v0[s];
            ref::adam_update(p1, g0[s], m1, v1, params);
            // m and v: two products with rounded constants and a sum (4u, 5u with g^2) of the
            // terms' magnitudes; p: the step lr c1 m / (sqrt(c2 v) + eps) to 16u of its
            // magnitude (m's error over m's terms, sqrt, the divisions and constants), plus
            // the rounding of p itself.
            HostTensor m_extra(p1.shape), v_extra(p1.shape), p_extra(p1.shape);
            for (std::int64_t i = 0; i < p1.numel(); ++i) {
                const double gi = g0[s][i];
                const double m_terms =
                    std::fabs(params.beta1 * m0[s][i]) + std::fabs((1 - params.beta1) * gi);
                const double v_terms = params.beta2 * v0[s][i] + (1 - params.beta2) * gi * gi;
                m_extra[i] = 4 * u * m_terms;
                v_extra[i] = 5 * u * v_terms;
                const double denominator = std::sqrt(c2 * v1[i]) + params.eps;
                p_extra[i] = 16 * u * params.lr * c1 * m_terms / denominator + u * std::fabs(p1[i]);
            }
            const std::string what = "slot " + std::to_string(s) + " " +
                                     kSlotShapes[s].to_string() + ", step " + std::to_string(step);
            EXPECT_TRUE(all_close(to_host(m[s]), m1, dtype(), {}, &m_extra)) << "m, " << what;
            EXPECT_TRUE(all_close(to_host(v[s]), v1, dtype(), {}, &v_extra)) << "v, " << what;
            EXPECT_TRUE(all_close(to_host(p[s]), p1, dtype(), {}, &p_extra)) << "param, " << what;
        }
    }
}

TEST_P(AdamUpdate, BadHyperparametersAreErrors) {
    ANVIL_REQUIRE_OP(Op::adam_update);
    Tensor p = upload(HostTensor(Shape{3})), g = upload(HostTensor(Shape{3}));
    Tensor m = upload(HostTensor(Shape{3})), v = upload(HostTensor(Shape{3}));
    const std::vector<AdamSlot> slots{{&p, &g, &m, &v}};
    AdamParams params;
    params.step = 0;
    EXPECT_TRUE(throws_error([&] { adam_update(slots, params); }, "[adam_update]", {"step"}));
    params.step = 1;
    params.beta1 = 1.0;
    EXPECT_TRUE(throws_error([&] { adam_update(slots, params); }, "[adam_update]", {"beta"}));
    Tensor wrong = upload(HostTensor(Shape{4}));
    const std::vector<AdamSlot> bad{{&p, &g, &wrong, &v}};
    EXPECT_TRUE(throws_error([&] { adam_update(bad, AdamParams{}); }, "[adam_update]", {"(4)"}));
}

class SgdCase : public BackendTest {
protected:
    // Three steps over every slot shape; velocity only with momentum.
    void run(double momentum, std::uint64_t seed) {
        const double u = unit_roundoff(dtype());
        const std::size_t count = kSlotShapes.size();
        std::vector<Tensor> p, vel, g(count);
        for (std::size_t s = 0; s < count; ++s) {
            p.push_back(upload(uniform(kSlotShapes[s], -1.0, 1.0, seed + s)));
            vel.push_back(upload(HostTensor(kSlotShapes[s], 0.0)));
        }
        const SgdParams params{0.05, momentum};
        for (int step = 0; step < 3; ++step) {
            std::vector<SgdSlot> slots;
            std::vector<HostTensor> p0, v0, g0;
            for (std::size_t s = 0; s < count; ++s) {
                const double scale = kGradScales[s];
                g0.push_back(uniform(kSlotShapes[s], -scale, scale, seed + 100 + 10 * step + s));
                g[s] = upload(g0.back());
                p0.push_back(to_host(p[s]));
                v0.push_back(to_host(vel[s]));
                slots.push_back({&p[s], &g[s], momentum != 0.0 ? &vel[s] : nullptr});
            }
            sgd_update(slots, params);
            for (std::size_t s = 0; s < count; ++s) {
                HostTensor p1 = p0[s], v1 = v0[s];
                ref::sgd_update(p1, g0[s], momentum != 0.0 ? &v1 : nullptr, params);
                // v = mu v + g: 3u of the terms; p -= lr v: 5u of lr's terms, and p's rounding.
                HostTensor v_extra(p1.shape), p_extra(p1.shape);
                for (std::int64_t i = 0; i < p1.numel(); ++i) {
                    const double terms = std::fabs(momentum * v0[s][i]) + std::fabs(g0[s][i]);
                    v_extra[i] = 3 * u * terms;
                    p_extra[i] = 5 * u * params.lr * terms + u * std::fabs(p1[i]);
                }
                const std::string what = "slot " + std::to_string(s) + ", step " +
                                         std::to_string(step) + ", momentum " +
                                         std::to_string(momentum);
                EXPECT_TRUE(all_close(to_host(p[s]), p1, dtype(), {}, &p_extra))
                    << "param, " << what;
                if (momentum != 0.0) {
                    EXPECT_TRUE(all_close(to_host(vel[s]), v1, dtype(), {}, &v_extra))
                        << "velocity, " << what;
                }
            }
        }
    }
};

ANVIL_DTYPE_SUITE_OF(SgdUpdate, SgdCase);

TEST_P(SgdUpdate, WithMomentum) {
    ANVIL_REQUIRE_OP(Op::sgd_update);
    run(0.9, 1400);
}

TEST_P(SgdUpdate, WithoutMomentum) {
    ANVIL_REQUIRE_OP(Op::sgd_update);
    run(0.0, 1500);
}

TEST_P(SgdUpdate, MomentumWithoutVelocityIsAnError) {
    ANVIL_REQUIRE_OP(Op::sgd_update);
    Tensor p = upload(HostTensor(Shape{3})), g = upload(HostTensor(Shape{3}));
    const std::vector<SgdSlot> slots{{&p, &g, nullptr}};
    EXPECT_TRUE(throws_error(
        [&] {
            sgd_update(slots, SgdParams{0.1, 0.9});
        },
        "[sgd_update]", {"velocity"}));
}

}  // namespace
}  // namespace anvil::test
