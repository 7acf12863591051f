// Eigen 3.4's own product (public API, its OpenMP threading) at one ISA: compiled once per
// x86-64 level (ANVIL_EIGEN_GEMM_FN names the function), called only on CPUs that have it.
// The "before" column of anvil-bench-gemm: what anvil's GEMM was built on until the packed
// kernel replaced it.
#include <Eigen/Core>
#include <cstdint>

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// c (m, n) = op(a) op(b), row-major, a stored (k, m) when ta, b stored (n, k) when tb.
void ANVIL_EIGEN_GEMM_FN(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k,
                         const float* a, const float* b, float* c) {
    Eigen::Map<const RowMatrix> am(a, ta ? k : m, ta ? m : k), bm(b, tb ? n : k, tb ? k : n);
    Eigen::Map<RowMatrix> cm(c, m, n);
    if (!ta && !tb) cm.noalias() = am * bm;
    else if (!ta && tb) cm.noalias() = am * bm.transpose();
    else if (ta && !tb) cm.noalias() = am.transpose() * bm;
    else cm.noalias() = am.transpose() * bm.transpose();
}
