// Conformance of gemm (all four transpose combinations, alpha, beta, beta = 0 ignoring NaN in
// c, K = 0, empty and odd shapes), matmul and its shape errors, and the 2-D transpose.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Mnk {
    std::int64_t m, n, k;
};

// Stored operand shapes for op(a): (M, K), op(b): (K, N).
Shape a_shape(const Mnk& d, bool trans_a) { return trans_a ? Shape{d.k, d.m} : Shape{d.m, d.k}; }
Shape b_shape(const Mnk& d, bool trans_b) { return trans_b ? Shape{d.n, d.k} : Shape{d.k, d.n}; }

std::string describe(const Mnk& d, bool ta, bool tb, double alpha, double beta) {
    return "M " + std::to_string(d.m) + " N " + std::to_string(d.n) + " K " + std::to_string(d.k) +
           " trans_a " + std::to_string(ta) + " trans_b " + std::to_string(tb) + " alpha " +
           std::to_string(alpha) + " beta " + std::to_string(beta);
}

class GemmCase : public BackendTest {
protected:
    // c = alpha op(a) op(b) + beta c on the device and on the host; the bound is
    // gamma(K + 3) * (|alpha| |op(a)| |op(b)| + |beta| |c|) (see tolerances.h).
    void check(const Mnk& d, bool ta, bool tb, double alpha, const HostTensor& a,
               const HostTensor& b, double beta, const HostTensor& c) {
        HostTensor expected = c;
        ref::gemm(ta, tb, alpha, a, b, beta, expected);
        HostTensor extra = ref::gemm_magnitude(ta, tb, alpha, a, b, beta, c);
        for (double& v : extra.values) v *= gamma_n(d.k + 3);
        Tensor dc = upload(c);
        gemm(ta, tb, alpha, upload(a), upload(b), beta, dc);
        EXPECT_TRUE(all_close(to_host(dc), expected, dtype(), tolerance(Op::gemm), &extra))
            << describe(d, ta, tb, alpha, beta);
    }
    // Random operands of shape d for each transpose combination.
    void check_random(const Mnk& d, double alpha, double beta, std::uint64_t seed) {
        for (int flags = 0; flags < 4; ++flags) {
            const bool ta = flags & 1, tb = flags & 2;
            check(d, ta, tb, alpha, uniform(a_shape(d, ta), -1.0, 1.0, seed),
                  uniform(b_shape(d, tb), -1.0, 1.0, seed + 1), beta,
                  uniform(Shape{d.m, d.n}, -1.0, 1.0, seed + 2));
            seed += 3;
        }
    }
};

ANVIL_DTYPE_SUITE_OF(Gemm, GemmCase);
ANVIL_DTYPE_SUITE_OF(Matmul, GemmCase);
ANVIL_DTYPE_SUITE(Transpose);

// Small whole numbers make every product and partial sum exact in f32 (|sum| < 2^24), in any
// order, so the result must equal the reference bit for bit.
TEST_P(Gemm, IntegerValuedAllTransposesExact) {
    ANVIL_REQUIRE_OP(Op::gemm);
    std::uint64_t seed = 300;
    for (const Mnk& d :
         {Mnk{5, 7, 3}, Mnk{17, 9, 256}, Mnk{1, 1, 1}, Mnk{33, 65, 129}, Mnk{64, 64, 64}}) {
        for (int flags = 0; flags < 4; ++flags) {
            const bool ta = flags & 1, tb = flags & 2;
            const HostTensor a = random_integers(a_shape(d, ta), -3, 3, seed++);
            const HostTensor b = random_integers(b_shape(d, tb), -3, 3, seed++);
            const HostTensor c = random_integers(Shape{d.m, d.n}, -5, 5, seed++);
            HostTensor expected = c;
            ref::gemm(ta, tb, 2.0, a, b, -1.0, expected);
            Tensor dc = upload(c);
            gemm(ta, tb, 2.0, upload(a), upload(b), -1.0, dc);
            EXPECT_TRUE(all_equal(to_host(dc), expected, dtype())) << describe(d, ta, tb, 2, -1);
        }
    }
}

TEST_P(Gemm, RandomAllTransposesK256) {
    ANVIL_REQUIRE_OP(Op::gemm);
    check_random({37, 53, 256}, 0.75, -1.25, 310);
    check_random({1, 65, 256}, 0.75, -1.25, 320);
    check_random({65, 1, 256}, 0.75, -1.25, 330);
}

TEST_P(Gemm, AlphaAndBeta) {
    ANVIL_REQUIRE_OP(Op::gemm);
    std::uint64_t seed = 340;
    for (const auto& [alpha, beta] : std::vector<std::pair<double, double>>{
             {1.0, 0.0}, {1.0, 1.0}, {-0.5, 0.0}, {0.0, 1.0}, {0.0, 0.5}, {2.5, -3.0}}) {
        check_random({23, 19, 31}, alpha, beta, seed);
        seed += 12;
    }
}

TEST_P(Gemm, OddSizes) {
    ANVIL_REQUIRE_OP(Op::gemm);
    std::uint64_t seed = 420;
    for (const Mnk& d : {Mnk{1, 1, 1}, Mnk{7, 1, 17}, Mnk{1, 17, 7}, Mnk{17, 7, 1}, Mnk{1023, 1, 3},
                         Mnk{1, 1023, 3}, Mnk{3, 3, 1023}, Mnk{7, 17, 65}}) {
        check_random(d, 1.0, 0.5, seed);
        seed += 12;
    }
}

TEST_P(Gemm, BetaZeroIgnoresNaNInC) {
    ANVIL_REQUIRE_OP(Op::gemm);
    // BLAS semantics: beta == 0 means c is write-only, so NaN (e.g. uninitialised memory)
    // must not leak through 0 * NaN.
    for (const Mnk& d : {Mnk{9, 13, 7}, Mnk{1, 1, 1}, Mnk{64, 65, 33}}) {
        for (int flags = 0; flags < 4; ++flags) {
            const bool ta = flags & 1, tb = flags & 2;
            check(d, ta, tb, 1.5, uniform(a_shape(d, ta), -1.0, 1.0, 500),
                  uniform(b_shape(d, tb), -1.0, 1.0, 501), 0.0, HostTensor(Shape{d.m, d.n}, kNaN));
        }
    }
}

TEST_P(Gemm, InnerDimensionZero) {
    ANVIL_REQUIRE_OP(Op::gemm);
    // K = 0: op(a) op(b) is all zeros, so c = beta c (and zeros for beta = 0, even over NaN).
    const Mnk d{4, 5, 0};
    for (int flags = 0; flags < 4; ++flags) {
        const bool ta = flags & 1, tb = flags & 2;
        check(d, ta, tb, 1.0, HostTensor(a_shape(d, ta)), HostTensor(b_shape(d, tb)), 0.5,
              uniform(Shape{4, 5}, -1.0, 1.0, 510));
        check(d, ta, tb, 1.0, HostTensor(a_shape(d, ta)), HostTensor(b_shape(d, tb)), 0.0,
              HostTensor(Shape{4, 5}, kNaN));
    }
}

TEST_P(Gemm, EmptyOutput) {
    ANVIL_REQUIRE_OP(Op::gemm);
    for (const Mnk& d : {Mnk{0, 5, 3}, Mnk{4, 0, 3}, Mnk{0, 0, 0}}) {
        Tensor c = upload(HostTensor(Shape{d.m, d.n}));
        gemm(false, false, 1.0, upload(HostTensor(a_shape(d, false))),
             upload(HostTensor(b_shape(d, false))), 0.0, c);
        EXPECT_EQ(c.shape(), (Shape{d.m, d.n}));
        EXPECT_EQ(matmul(upload(HostTensor(a_shape(d, true))), upload(HostTensor(b_shape(d, true))),
                         true, true)
                      .shape(),
                  (Shape{d.m, d.n}));
    }
}

TEST_P(Gemm, WrongOutputShapeIsAnError) {
    ANVIL_REQUIRE_OP(Op::gemm);
    const Tensor a = upload(HostTensor(Shape{3, 4})), b = upload(HostTensor(Shape{4, 5}));
    Tensor c = upload(HostTensor(Shape{5, 3}));
    EXPECT_TRUE(
        throws_error([&] { gemm(false, false, 1.0, a, b, 0.0, c); }, "[gemm]", {"(5,3)", "(3,5)"}));
}

TEST_P(Matmul, AllTransposes) {
    ANVIL_REQUIRE_OP(Op::gemm);
    const Mnk d{13, 11, 29};
    std::uint64_t seed = 600;
    for (int flags = 0; flags < 4; ++flags) {
        const bool ta = flags & 1, tb = flags & 2;
        const HostTensor a = uniform(a_shape(d, ta), -1.0, 1.0, seed++);
        const HostTensor b = uniform(b_shape(d, tb), -1.0, 1.0, seed++);
        HostTensor expected(Shape{d.m, d.n});
        ref::gemm(ta, tb, 1.0, a, b, 0.0, expected);
        HostTensor extra = ref::gemm_magnitude(ta, tb, 1.0, a, b, 0.0, expected);
        for (double& v : extra.values) v *= gamma_n(d.k + 3);
        EXPECT_TRUE(all_close(to_host(matmul(upload(a), upload(b), ta, tb)), expected, dtype(),
                              tolerance(Op::gemm), &extra))
            << describe(d, ta, tb, 1.0, 0.0);
    }
}

TEST_P(Matmul, ShapeErrors) {
    ANVIL_REQUIRE_OP(Op::gemm);
    const Tensor a = upload(HostTensor(Shape{3, 4})), b = upload(HostTensor(Shape{5, 6}));
    EXPECT_TRUE(
        throws_error([&] { matmul(a, b); }, "[matmul] inner dimensions differ: (3,4) x (5,6)"));
    EXPECT_TRUE(throws_error([&] { matmul(a, b, true, false); }, "[matmul] inner dimensions differ",
                             {"(3,4)", "(5,6)"}));
    EXPECT_TRUE(
        throws_error([&] { matmul(a, upload(HostTensor(Shape{4}))); }, "[matmul]", {"2-D"}));
    const DType other = dtype() == DType::f32 ? DType::f64 : DType::f32;
    const Tensor b_other = to_device(HostTensor(Shape{4, 6}), other, device());
    EXPECT_TRUE(throws_error([&] { matmul(a, b_other); }, "[matmul]", {"dtypes differ"}));
}

TEST_P(Transpose, ShapesAndSpecialValues) {
    ANVIL_REQUIRE_OP(Op::transpose);
    std::uint64_t seed = 700;
    for (const Shape& s : {Shape{1, 1}, Shape{7, 17}, Shape{1023, 3}, Shape{3, 1023}, Shape{64, 65},
                           Shape{0, 5}, Shape{5, 0}, Shape{1, 65537}}) {
        HostTensor x = uniform(s, -1.0, 1.0, seed++);
        if (x.numel() > 2) {
            x[1] = kNaN;
            x[x.numel() - 1] = -std::numeric_limits<double>::infinity();
        }
        const Tensor out = transpose(upload(x));
        EXPECT_TRUE(all_equal(to_host(out), ref::transpose(x), dtype())) << s.to_string();
    }
}

TEST_P(Transpose, NonMatrixIsAnError) {
    ANVIL_REQUIRE_OP(Op::transpose);
    EXPECT_TRUE(throws_error(
        [&] {
            transpose(upload(HostTensor(Shape{2, 3, 4})));
        },
        "[transpose]", {"(2,3,4)"}));
}

}  // namespace
}  // namespace anvil::test
