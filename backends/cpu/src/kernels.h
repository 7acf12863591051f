// Raw-pointer kernels shared between the CPU backend's primitive and composite files
// (the composites call GEMM on row tiles of larger tensors). Row-major throughout.
#pragma once

#include "parallel.h"

namespace anvil::cpu {

// c (m, n) = alpha * op(a) @ op(b) + beta * c; op(a): (m, k), op(b): (k, n). a is stored
// (k, m) when trans_a, b is stored (n, k) when trans_b. beta == 0 ignores c (even NaN).
// Inside an OpenMP parallel region Eigen runs it on the calling thread only.
template <typename T>
void gemm_rows(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
               const T* b, T beta, T* c);

extern template void gemm_rows<float>(bool, bool, Index, Index, Index, float, const float*,
                                      const float*, float, float*);
extern template void gemm_rows<double>(bool, bool, Index, Index, Index, double, const double*,
                                       const double*, double, double*);

}  // namespace anvil::cpu
