// How a row-major GEMM request becomes one column-major BLAS call (cuBLAS), with no transpose
// materialised. Pure host code with no CUDA dependency, so tests/cuda checks it on the CPU by
// feeding its output to a reference column-major GEMM.
#pragma once

#include <algorithm>
#include <cstdint>

namespace anvil::common {

enum class BlasTranspose : std::uint8_t { none, transpose };
enum class GemmOperand : std::uint8_t { a, b };

// The arguments of a column-major call
//   C(m x n, ldc) = alpha * op_first(first) * op_second(second) + beta * C
// in cuBLAS's order: first is cuBLAS's A (transa, lda), second its B (transb, ldb).
struct ColumnMajorGemm {
    GemmOperand first = GemmOperand::b;
    GemmOperand second = GemmOperand::a;
    BlasTranspose trans_first = BlasTranspose::none;
    BlasTranspose trans_second = BlasTranspose::none;
    std::int64_t m = 0;
    std::int64_t n = 0;
    std::int64_t k = 0;
    std::int64_t ld_first = 1;
    std::int64_t ld_second = 1;
    std::int64_t ldc = 1;
};

// Row-major request: C (M, N) = alpha * op(A) @ op(B) + beta * C, op(A): (M, K), op(B): (K, N);
// A is stored (M, K), or (K, M) when trans_a; B is stored (K, N), or (N, K) when trans_b.
//
// A row-major (R, C) buffer read column-major is its transpose (C, R) with leading dimension C.
// So the row-major C is the column-major C^T (N x M, ldc = N), and
//   C^T = op(B)^T op(A)^T,
// one column-major GEMM with B first and A second. B's buffer read column-major is already
// B^T when B is untransposed, so op(B)^T needs no transpose flag; when trans_b the buffer
// holds B^T row-major = B column-major and op(B)^T = B^T needs one. Likewise for A. Every
// leading dimension is the row length of the stored row-major buffer; BLAS requires ld >= 1
// even when that length is 0 (K == 0), hence the max.
inline ColumnMajorGemm row_major_gemm_to_column_major(bool trans_a, bool trans_b,
                                                      std::int64_t m, std::int64_t n,
                                                      std::int64_t k) {
    ColumnMajorGemm call;
    call.first = GemmOperand::b;
    call.second = GemmOperand::a;
    call.trans_first = trans_b ? BlasTranspose::transpose : BlasTranspose::none;
    call.trans_second = trans_a ? BlasTranspose::transpose : BlasTranspose::none;
    call.m = n;
    call.n = m;
    call.k = k;
    call.ld_first = std::max<std::int64_t>(1, trans_b ? k : n);   // B stored (N, K) or (K, N)
    call.ld_second = std::max<std::int64_t>(1, trans_a ? m : k);  // A stored (K, M) or (M, K)
    call.ldc = std::max<std::int64_t>(1, n);                      // C stored (M, N)
    return call;
}

}  // namespace anvil::common
