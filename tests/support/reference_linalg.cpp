// Float64 reference of the linear-algebra ops: row-major GEMM with transpose flags (triple
// loop, no blocking) and the 2-D transpose.
#include <cmath>
#include <stdexcept>

#include "support/reference.h"

namespace anvil::test::ref {

HostTensor transpose(const HostTensor& x) {
    if (x.shape.rank() != 2) throw std::invalid_argument("[ref::transpose] needs rank 2");
    const std::int64_t rows = x.shape[0], cols = x.shape[1];
    HostTensor out(Shape{cols, rows});
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) out.at(c, r) = x.at(r, c);
    return out;
}

namespace {
struct GemmView {
    std::int64_t m, n, k;
};

// op(a): (M, K), op(b): (K, N); element (i, p) of op(a) is a(p, i) when transposed.
GemmView gemm_view(bool trans_a, bool trans_b, const HostTensor& a, const HostTensor& b,
                   const HostTensor& c) {
    const std::int64_t m = trans_a ? a.shape[1] : a.shape[0];
    const std::int64_t k = trans_a ? a.shape[0] : a.shape[1];
    const std::int64_t kb = trans_b ? b.shape[1] : b.shape[0];
    const std::int64_t n = trans_b ? b.shape[0] : b.shape[1];
    if (k != kb || c.shape != Shape{m, n})
        throw std::invalid_argument("[ref::gemm] shapes do not agree");
    return {m, n, k};
}

double op_at(const HostTensor& t, bool trans, std::int64_t r, std::int64_t c) {
    return trans ? t.at(c, r) : t.at(r, c);
}
}  // namespace

void gemm(bool trans_a, bool trans_b, double alpha, const HostTensor& a, const HostTensor& b,
          double beta, HostTensor& c) {
    const GemmView v = gemm_view(trans_a, trans_b, a, b, c);
    for (std::int64_t i = 0; i < v.m; ++i) {
        for (std::int64_t j = 0; j < v.n; ++j) {
            double acc = 0.0;
            for (std::int64_t p = 0; p < v.k; ++p)
                acc += op_at(a, trans_a, i, p) * op_at(b, trans_b, p, j);
            c.at(i, j) = alpha * acc + (beta == 0.0 ? 0.0 : beta * c.at(i, j));
        }
    }
}

HostTensor gemm_magnitude(bool trans_a, bool trans_b, double alpha, const HostTensor& a,
                          const HostTensor& b, double beta, const HostTensor& c) {
    HostTensor out = beta == 0.0 ? HostTensor(c.shape, 0.0) : abs_of(c);
    gemm(trans_a, trans_b, std::fabs(alpha), abs_of(a), abs_of(b), std::fabs(beta), out);
    return out;
}

}  // namespace anvil::test::ref
