// Conformance of the fused linear layer ops: linear_act_forward for every Activation (sine with
// omega = 30, SIREN's setting), with and without bias and dact, and linear_act_backward with
// and without dact, dx and db. Bounds are derived from the GEMM bound and tolerances.h.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Activation kActivations[] = {Activation::identity, Activation::sine, Activation::relu,
                                       Activation::tanh, Activation::sigmoid};

double omega_for(Activation act) { return act == Activation::sine ? 30.0 : 1.0; }

// Error bounds of y and dact. The pre-activation z = x w^T + b carries at most
// gamma(in + 4) * magnitude (in products, the bias, and the rounding of omega z for sine);
// y inherits it times the activation's Lipschitz constant (omega for sine, 1/4 for sigmoid)
// plus the table's tolerance of the activation itself; dact likewise with its own slope.
struct ForwardBounds {
    Tolerance y_tol, dact_tol;
    HostTensor y_extra, dact_extra;
};

ForwardBounds forward_bounds(Activation act, double omega, const ref::LinearForward& f,
                             std::int64_t in, DType dtype) {
    const double u = unit_roundoff(dtype);
    ForwardBounds b{{}, {}, HostTensor(f.y.shape), HostTensor(f.y.shape)};
    const Tolerance sin_tol = op_tolerance(Op::sin, dtype), cos_tol = op_tolerance(Op::cos, dtype);
    const Tolerance tanh_tol = op_tolerance(Op::tanh, dtype);
    const Tolerance sig_tol = op_tolerance(Op::sigmoid, dtype);
    for (std::int64_t i = 0; i < f.y.numel(); ++i) {
        const double z_err = gamma(in + 4, dtype) * f.magnitude[i];
        const double y = f.y[i];
        switch (act) {
            case Activation::identity:
                b.y_extra[i] = z_err;
                break;
            case Activation::sine:
                b.y_tol = sin_tol;
                b.y_extra[i] = omega * z_err;
                // dact = omega cos(omega z): cos's bound scaled by omega, its slope omega^2.
                b.dact_tol = {omega * cos_tol.abs, cos_tol.rel + 2 * u};
                b.dact_extra[i] = omega * omega * z_err;
                break;
            case Activation::relu:
                b.y_extra[i] = z_err;
                // step(z) flips where z is within its own rounding error of 0: either is right.
                b.dact_extra[i] = std::fabs(f.z[i]) <= z_err ? 1.0 : 0.0;
                break;
            case Activation::tanh: {
                b.y_tol = tanh_tol;
                b.y_extra[i] = z_err;
                const double y_err = tanh_tol.abs + tanh_tol.rel * std::fabs(y) + z_err;
                b.dact_tol = {2 * u, 2 * u};  // 1 - y^2: one square, one subtraction
                b.dact_extra[i] = 2 * std::fabs(y) * y_err;
                break;
            }
            case Activation::sigmoid: {
                b.y_tol = sig_tol;
                b.y_extra[i] = 0.25 * z_err;
                const double y_err = sig_tol.abs + sig_tol.rel * std::fabs(y) + 0.25 * z_err;
                b.dact_tol = {2 * u, 3 * u};  // y (1 - y)
                b.dact_extra[i] = std::fabs(1 - 2 * y) * y_err;
                break;
            }
        }
    }
    return b;
}

class LinearCase : public BackendTest {
protected:
    // x: (N, in), w: (out, in), b: (out). w spans [-0.5, 0.5], so omega z for sine reaches
    // tens of radians, as in a SIREN's first layer.
    void check_forward(Activation act, std::int64_t n, std::int64_t in, std::int64_t out,
                       bool with_bias, bool with_dact, std::uint64_t seed) {
        const double omega = omega_for(act);
        const HostTensor x = uniform(Shape{n, in}, -1.0, 1.0, seed);
        const HostTensor w = uniform(Shape{out, in}, -0.5, 0.5, seed + 1);
        const HostTensor bias = uniform(Shape{out}, -0.5, 0.5, seed + 2);
        const ref::LinearForward f =
            ref::linear_act_forward(act, omega, x, w, with_bias ? &bias : nullptr);
        const ForwardBounds bounds = forward_bounds(act, omega, f, in, dtype());

        const Tensor dx = upload(x), dw = upload(w), db = upload(bias);
        Tensor y = upload(HostTensor(Shape{n, out}, kNaN));  // outputs are overwritten
        Tensor dact = upload(HostTensor(Shape{n, out}, kNaN));
        linear_act_forward(act, omega, dx, dw, with_bias ? &db : nullptr, y,
                           with_dact ? &dact : nullptr);
        const std::string what = std::string(activation_name(act)) + " N " + std::to_string(n) +
                                 " in " + std::to_string(in) + " out " + std::to_string(out) +
                                 (with_bias ? " with bias" : " without bias");
        EXPECT_TRUE(all_close(to_host(y), f.y, dtype(), bounds.y_tol, &bounds.y_extra))
            << "y of " << what;
        if (with_dact) {
            EXPECT_TRUE(
                all_close(to_host(dact), f.dact, dtype(), bounds.dact_tol, &bounds.dact_extra))
                << "dact of " << what;
        }
    }
};

ANVIL_DTYPE_SUITE_OF(LinearActForward, LinearCase);
ANVIL_DTYPE_SUITE(LinearActBackward);

TEST_P(LinearActForward, EveryActivationWithAndWithoutBiasAndDact) {
    ANVIL_REQUIRE_OP(Op::linear_act_forward);
    std::uint64_t seed = 900;
    for (Activation act : kActivations) {
        for (bool with_bias : {true, false}) {
            for (bool with_dact : {true, false}) {
                check_forward(act, 37, 19, 23, with_bias, with_dact, seed);
                seed += 3;
            }
        }
    }
}

TEST_P(LinearActForward, OddShapes) {
    ANVIL_REQUIRE_OP(Op::linear_act_forward);
    std::uint64_t seed = 950;
    for (Activation act : kActivations) {
        check_forward(act, 1, 1, 1, true, true, seed);
        check_forward(act, 1025, 2, 17, true, true, seed + 3);  // a SIREN first layer
        check_forward(act, 7, 65, 1, true, true, seed + 6);
        seed += 9;
    }
}

TEST_P(LinearActForward, ShapeErrors) {
    ANVIL_REQUIRE_OP(Op::linear_act_forward);
    const Tensor x = upload(HostTensor(Shape{4, 3})), w = upload(HostTensor(Shape{5, 2}));
    Tensor y = upload(HostTensor(Shape{4, 5}));
    EXPECT_TRUE(
        throws_error([&] { linear_act_forward(Activation::relu, 1.0, x, w, nullptr, y, nullptr); },
                     "[linear_act_forward]", {"(4,3)", "(5,2)"}));
    const Tensor w_ok = upload(HostTensor(Shape{5, 3})), bias = upload(HostTensor(Shape{4}));
    EXPECT_TRUE(
        throws_error([&] { linear_act_forward(Activation::relu, 1.0, x, w_ok, &bias, y, nullptr); },
                     "[linear_act_forward]", {"(4)"}));
}

TEST_P(LinearActBackward, WithAndWithoutDactDxDb) {
    ANVIL_REQUIRE_OP(Op::linear_act_backward);
    const std::int64_t n = 37, in = 19, out = 23;
    const HostTensor x = uniform(Shape{n, in}, -1.0, 1.0, 1000);
    const HostTensor w = uniform(Shape{out, in}, -0.5, 0.5, 1001);
    const HostTensor dy = uniform(Shape{n, out}, -1.0, 1.0, 1002);
    const HostTensor dact_h = uniform(Shape{n, out}, -30.0, 30.0, 1003);  // e.g. omega cos(.)
    const Tensor tx = upload(x), tw = upload(w), tdy = upload(dy), tdact = upload(dact_h);
    for (int flags = 0; flags < 8; ++flags) {
        const bool with_dact = flags & 1, with_dx = flags & 2, with_db = flags & 4;
        const ref::LinearBackward r =
            ref::linear_act_backward(x, w, dy, with_dact ? &dact_h : nullptr);
        // Accumulation bounds: dw sums N products, db N terms, dx `out` products; forming
        // g = dy * dact adds one rounding to each term.
        HostTensor dw_extra = ref::gemm_magnitude(true, false, 1.0, r.g, x, 0.0, r.dw);
        for (double& v : dw_extra.values) v *= gamma_n(n + 2);
        HostTensor db_extra = ref::reduce_magnitude(r.g, 0, false);
        for (double& v : db_extra.values) v *= gamma_n(n + 2);
        HostTensor dx_extra = ref::gemm_magnitude(false, false, 1.0, r.g, w, 0.0, r.dx);
        for (double& v : dx_extra.values) v *= gamma_n(out + 2);

        // Outputs start as NaN: they must be overwritten, not accumulated into.
        Tensor dw = upload(HostTensor(w.shape, kNaN)), db = upload(HostTensor(Shape{out}, kNaN));
        Tensor dx = upload(HostTensor(x.shape, kNaN));
        linear_act_backward(tx, tw, tdy, with_dact ? &tdact : nullptr, with_dx ? &dx : nullptr, dw,
                            with_db ? &db : nullptr);
        const std::string what = std::string("dact ") + (with_dact ? "yes" : "no") + ", dx " +
                                 (with_dx ? "yes" : "no") + ", db " + (with_db ? "yes" : "no");
        EXPECT_TRUE(all_close(to_host(dw), r.dw, dtype(), {}, &dw_extra)) << "dw, " << what;
        if (with_db)
            EXPECT_TRUE(all_close(to_host(db), r.db, dtype(), {}, &db_extra)) << "db, " << what;
        else
            EXPECT_TRUE(std::isnan(to_host(db)[0])) << "db written although not requested";
        if (with_dx)
            EXPECT_TRUE(all_close(to_host(dx), r.dx, dtype(), {}, &dx_extra)) << "dx, " << what;
        else
            EXPECT_TRUE(std::isnan(to_host(dx)[0])) << "dx written although not requested";
    }
}

TEST_P(LinearActBackward, NoRowsGivesZeroGradients) {
    ANVIL_REQUIRE_OP(Op::linear_act_backward);
    const Tensor x = upload(HostTensor(Shape{0, 5})), w = upload(uniform(Shape{3, 5}, -1, 1, 1010));
    const Tensor dy = upload(HostTensor(Shape{0, 3}));
    Tensor dw = upload(HostTensor(Shape{3, 5}, kNaN)), db = upload(HostTensor(Shape{3}, kNaN));
    Tensor dx = upload(HostTensor(Shape{0, 5}));
    linear_act_backward(x, w, dy, nullptr, &dx, dw, &db);
    EXPECT_TRUE(all_equal(to_host(dw), HostTensor(Shape{3, 5}, 0.0), dtype()));
    EXPECT_TRUE(all_equal(to_host(db), HostTensor(Shape{3}, 0.0), dtype()));
}

TEST_P(LinearActBackward, MatchesForwardDact) {
    // The pair as training uses it: dact from the forward pass feeds the backward pass.
    ANVIL_REQUIRE_OP(Op::linear_act_forward);
    ANVIL_REQUIRE_OP(Op::linear_act_backward);
    const std::int64_t n = 65, in = 2, out = 17;
    const HostTensor x = uniform(Shape{n, in}, -1.0, 1.0, 1020);
    const HostTensor w = uniform(Shape{out, in}, -0.5, 0.5, 1021);
    const HostTensor dy = uniform(Shape{n, out}, -1.0, 1.0, 1022);
    const Tensor tx = upload(x), tw = upload(w);
    Tensor y = upload(HostTensor(Shape{n, out})), dact = upload(HostTensor(Shape{n, out}));
    linear_act_forward(Activation::tanh, 1.0, tx, tw, nullptr, y, &dact);
    Tensor dw = upload(HostTensor(w.shape)), dx = upload(HostTensor(x.shape));
    linear_act_backward(tx, tw, upload(dy), &dact, &dx, dw, nullptr);
    // Reference from the device's own dact, so only the backward pass is judged here.
    const HostTensor dact_dev = to_host(dact);
    const ref::LinearBackward r = ref::linear_act_backward(x, w, dy, &dact_dev);
    HostTensor dw_extra = ref::gemm_magnitude(true, false, 1.0, r.g, x, 0.0, r.dw);
    for (double& v : dw_extra.values) v *= gamma_n(n + 2);
    HostTensor dx_extra = ref::gemm_magnitude(false, false, 1.0, r.g, w, 0.0, r.dx);
    for (double& v : dx_extra.values) v *= gamma_n(out + 2);
    EXPECT_TRUE(all_close(to_host(dw), r.dw, dtype(), {}, &dw_extra));
    EXPECT_TRUE(all_close(to_host(dx), r.dx, dtype(), {}, &dx_extra));
}

}  // namespace
}  // namespace anvil::test
