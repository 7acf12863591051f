// The packed GEMM kernel (gemm_packed.h) at every vector width the ISA variants use (16, 32
// and 64 bytes; GCC lowers the wider vectors on a narrower machine, so all run anywhere), in
// f32 and f64, against a float64 loop: all four operand layouts, sizes that leave edge tiles
// in both dimensions, depths past one KC block (beta applied once), alpha and beta including
// beta == 0 over NaN, alpha == 0, k == 0, and leading dimensions wider than the operands;
// each with op(b) packed block by block and packed whole beforehand (pack_b_whole), over
// more than one column panel (NC) too.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gemm_packed.h"

namespace anvil::cpu::packed {
namespace {

struct Case {
    Index m, n, k;
};

template <typename T, int VBytes> void check_width() {
    using B = Blocking<T, VBytes>;
    // Sizes around the register tile (mr, nr), the row block (mc) and the depth block (kc).
    const Case cases[] = {{1, 1, 1},
                          {B::mr, B::nr, 3},
                          {B::mr + 1, B::nr - 1, 17},
                          {2 * B::mr - 1, 3 * B::nr + 5, B::kc + 9},
                          {B::mc + 7, 2 * B::nr, 2 * B::kc + 1},
                          {5, 3, 0},
                          {64, 256, 256},
                          {3, B::nc + B::nr + 5, B::kc + 2}};
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1, 1);
    for (const Case& cs : cases) {
        for (int layout = 0; layout < 4; ++layout) {
            for (auto [alpha, beta] : {std::pair{1.0, 0.0}, {1.5, 1.0}, {-0.5, 0.25}, {0.0, 0.5}}) {
              for (const bool prepacked : {false, true}) {
                const bool ta = layout & 1, tb = layout & 2;
                SCOPED_TRACE(testing::Message() << "width " << VBytes << " m=" << cs.m << " n=" << cs.n
                                                << " k=" << cs.k << " ta=" << ta << " tb=" << tb
                                                << " alpha=" << alpha << " beta=" << beta
                                                << " prepacked=" << prepacked);
                // Leading dimensions 3 wider than the stored rows: the kernel must not assume
                // contiguous operands.
                const Index lda = (ta ? cs.m : cs.k) + 3, ldb = (tb ? cs.k : cs.n) + 3, ldc = cs.n + 3;
                std::vector<T> a(static_cast<std::size_t>((ta ? cs.k : cs.m) * lda));
                std::vector<T> b(static_cast<std::size_t>((tb ? cs.n : cs.k) * ldb));
                std::vector<T> c(static_cast<std::size_t>(cs.m * ldc));
                for (T& x : a) x = static_cast<T>(u(rng));
                for (T& x : b) x = static_cast<T>(u(rng));
                for (T& x : c) x = beta == 0.0 ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(u(rng));
                const std::vector<T> c0 = c;
                std::vector<std::byte> scratch(scratch_bytes<T, VBytes>(cs.m, cs.n, cs.k));
                std::vector<T> whole;
                if (prepacked) {
                    whole.assign(packed_b_bytes<T, VBytes>(cs.n, cs.k) / sizeof(T), std::numeric_limits<T>::quiet_NaN());
                    pack_b_whole<T, VBytes>(tb, b.data(), ldb, cs.n, cs.k, whole.data());
                }
                gemm<T, VBytes>(ta, tb, cs.m, cs.n, cs.k, static_cast<T>(alpha), a.data(), lda, b.data(), ldb,
                                prepacked ? whole.data() : nullptr, static_cast<T>(beta), c.data(), ldc,
                                scratch.data());
                const double eps = std::numeric_limits<T>::epsilon();
                for (Index i = 0; i < cs.m; ++i) {
                    for (Index j = 0; j < ldc; ++j) {
                        const auto at = static_cast<std::size_t>(i * ldc + j);
                        if (j >= cs.n) {  // padding between rows of c is never written
                            ASSERT_TRUE(c[at] == c0[at] || (std::isnan(c[at]) && std::isnan(c0[at])));
                            continue;
                        }
                        double sum = 0, mag = 0;
                        for (Index p = 0; p < cs.k; ++p) {
                            const double x = ta ? a[static_cast<std::size_t>(p * lda + i)] : a[static_cast<std::size_t>(i * lda + p)];
                            const double y = tb ? b[static_cast<std::size_t>(j * ldb + p)] : b[static_cast<std::size_t>(p * ldb + j)];
                            sum += x * y;
                            mag += std::abs(x * y);
                        }
                        const double before = beta == 0.0 ? 0.0 : static_cast<double>(c0[at]);
                        const double ref = alpha * sum + beta * before;
                        ASSERT_NEAR(c[at], ref, 4 * eps * (static_cast<double>(cs.k) + 2) * (std::abs(alpha) * mag + std::abs(before)) + 1e-30)
                            << "at (" << i << "," << j << ")";
                    }
                }
              }
            }
        }
    }
}

TEST(PackedGemm, Sse16BytesF32) { check_width<float, 16>(); }
TEST(PackedGemm, Avx2_32BytesF32) { check_width<float, 32>(); }
TEST(PackedGemm, Avx512_64BytesF32) { check_width<float, 64>(); }
TEST(PackedGemm, Sse16BytesF64) { check_width<double, 16>(); }
TEST(PackedGemm, Avx2_32BytesF64) { check_width<double, 32>(); }
TEST(PackedGemm, Avx512_64BytesF64) { check_width<double, 64>(); }

// The width the backend compiles for follows the compiler's ISA flags.
TEST(PackedGemm, NativeWidthFollowsTheIsa) {
#if defined(__AVX512F__)
    EXPECT_EQ(kNativeVectorBytes, 64);
#elif defined(__AVX__)
    EXPECT_EQ(kNativeVectorBytes, 32);
#else
    EXPECT_EQ(kNativeVectorBytes, 16);
#endif
}

}  // namespace
}  // namespace anvil::cpu::packed
