// Checks common::row_major_gemm_to_column_major on the CPU: its column-major call, run by a
// reference column-major GEMM written here (BLAS semantics, as cuBLAS reads its arguments),
// must reproduce a row-major reference for every transpose combination and odd sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "common/cublas_gemm.h"

namespace {

using anvil::common::BlasTranspose;
using anvil::common::ColumnMajorGemm;
using anvil::common::GemmOperand;
using Index = std::int64_t;

// Column-major C(m x n, ldc) = alpha op(A) op(B) + beta C, exactly as BLAS defines it:
// element (i, j) of a column-major matrix X is X[i + j * ldx]; beta == 0 ignores C.
void reference_column_major_gemm(BlasTranspose ta, BlasTranspose tb, Index m, Index n, Index k,
                                 double alpha, const double* a, Index lda, const double* b,
                                 Index ldb, double beta, double* c, Index ldc) {
    for (Index j = 0; j < n; ++j) {
        for (Index i = 0; i < m; ++i) {
            double acc = 0.0;
            for (Index l = 0; l < k; ++l) {
                const double av = ta == BlasTranspose::none ? a[i + l * lda] : a[l + i * lda];
                const double bv = tb == BlasTranspose::none ? b[l + j * ldb] : b[j + l * ldb];
                acc += av * bv;
            }
            double& out = c[i + j * ldc];
            out = alpha * acc + (beta == 0.0 ? 0.0 : beta * out);
        }
    }
}

// Row-major C (M, N) = alpha op(A) op(B) + beta C, A stored (M,K) or (K,M), B (K,N) or (N,K).
void reference_row_major_gemm(bool ta, bool tb, Index m, Index n, Index k, double alpha,
                              const std::vector<double>& a, const std::vector<double>& b,
                              double beta, std::vector<double>& c) {
    for (Index i = 0; i < m; ++i) {
        for (Index j = 0; j < n; ++j) {
            double acc = 0.0;
            for (Index l = 0; l < k; ++l) {
                const double av = ta ? a[static_cast<std::size_t>(l * m + i)]
                                     : a[static_cast<std::size_t>(i * k + l)];
                const double bv = tb ? b[static_cast<std::size_t>(j * k + l)]
                                     : b[static_cast<std::size_t>(l * n + j)];
                acc += av * bv;
            }
            double& out = c[static_cast<std::size_t>(i * n + j)];
            out = alpha * acc + (beta == 0.0 ? 0.0 : beta * out);
        }
    }
}

// cuBLAS's documented argument checks: lda >= max(1, rows of the stored first operand) etc.
void expect_valid_blas_arguments(const ColumnMajorGemm& call) {
    const Index first_rows = call.trans_first == BlasTranspose::none ? call.m : call.k;
    const Index second_rows = call.trans_second == BlasTranspose::none ? call.k : call.n;
    EXPECT_GE(call.ld_first, std::max<Index>(1, first_rows));
    EXPECT_GE(call.ld_second, std::max<Index>(1, second_rows));
    EXPECT_GE(call.ldc, std::max<Index>(1, call.m));
    EXPECT_NE(call.first, call.second);
}

std::vector<double> random_values(std::size_t count, std::mt19937& rng) {
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<double> values(count);
    for (double& v : values) v = dist(rng);
    return values;
}

struct Case {
    bool trans_a, trans_b;
    Index m, n, k;
};

void check_case(const Case& c, double alpha, double beta, std::mt19937& rng) {
    SCOPED_TRACE("trans_a=" + std::to_string(c.trans_a) + " trans_b=" + std::to_string(c.trans_b) +
                 " M=" + std::to_string(c.m) + " N=" + std::to_string(c.n) +
                 " K=" + std::to_string(c.k) + " alpha=" + std::to_string(alpha) +
                 " beta=" + std::to_string(beta));
    const auto a = random_values(static_cast<std::size_t>(c.m * c.k), rng);
    const auto b = random_values(static_cast<std::size_t>(c.k * c.n), rng);
    const auto c0 = random_values(static_cast<std::size_t>(c.m * c.n), rng);

    std::vector<double> expected = c0;
    reference_row_major_gemm(c.trans_a, c.trans_b, c.m, c.n, c.k, alpha, a, b, beta, expected);

    const ColumnMajorGemm call =
        anvil::common::row_major_gemm_to_column_major(c.trans_a, c.trans_b, c.m, c.n, c.k);
    expect_valid_blas_arguments(call);
    const double* first = call.first == GemmOperand::a ? a.data() : b.data();
    const double* second = call.second == GemmOperand::a ? a.data() : b.data();
    std::vector<double> got = c0;  // the same row-major buffer cuBLAS would write
    reference_column_major_gemm(call.trans_first, call.trans_second, call.m, call.n, call.k,
                                alpha, first, call.ld_first, second, call.ld_second, beta,
                                got.data(), call.ldc);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], expected[i], 1e-12) << i;
}

TEST(CublasGemmMapping, AllTransposesOddSizes) {
    std::mt19937 rng(1234);
    const Index sizes[] = {1, 2, 3, 5, 7, 17};
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (Index m : sizes)
                for (Index n : sizes)
                    for (Index k : sizes) check_case({ta, tb, m, n, k}, 1.0, 0.0, rng);
}

TEST(CublasGemmMapping, AlphaBetaAndNonSquare) {
    std::mt19937 rng(99);
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            check_case({ta, tb, 13, 4, 9}, 0.5, 2.0, rng);
            check_case({ta, tb, 1, 31, 6}, -1.5, 1.0, rng);
            check_case({ta, tb, 29, 1, 11}, 2.0, -0.25, rng);
        }
}

TEST(CublasGemmMapping, EmptyInnerDimensionKeepsLeadingDimensionsValid) {
    std::mt19937 rng(7);
    for (bool ta : {false, true})
        for (bool tb : {false, true}) check_case({ta, tb, 3, 5, 0}, 1.0, 0.5, rng);
}

// The SIREN shapes: forward x w^T, backward g^T x, g w, and the column sum ones @ g.
TEST(CublasGemmMapping, LinearLayerShapes) {
    std::mt19937 rng(42);
    check_case({false, true, 33, 16, 2}, 1.0, 0.0, rng);   // y = x w^T
    check_case({true, false, 16, 2, 33}, 1.0, 0.0, rng);   // dw = g^T x
    check_case({false, false, 33, 2, 16}, 1.0, 0.0, rng);  // dx = g w
    check_case({false, false, 1, 16, 33}, 1.0, 0.0, rng);  // db = ones g
}

TEST(CublasGemmMapping, SwapsOperandsAndDimensions) {
    const ColumnMajorGemm call = anvil::common::row_major_gemm_to_column_major(true, false, 4, 6, 5);
    EXPECT_EQ(call.first, GemmOperand::b);
    EXPECT_EQ(call.second, GemmOperand::a);
    EXPECT_EQ(call.trans_first, BlasTranspose::none);
    EXPECT_EQ(call.trans_second, BlasTranspose::transpose);
    EXPECT_EQ(call.m, 6);
    EXPECT_EQ(call.n, 4);
    EXPECT_EQ(call.k, 5);
    EXPECT_EQ(call.ld_first, 6);   // B stored (K, N)
    EXPECT_EQ(call.ld_second, 4);  // A stored (K, M)
    EXPECT_EQ(call.ldc, 6);
}

}  // namespace
