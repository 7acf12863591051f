// The conformance suite's tolerances, in one table with the reason for each entry. A device
// result r passes against the float64 reference e (first rounded to the tensor's dtype) when
//     |r - e| <= abs + rel * |e| + extra
// abs and rel below are in units of the unit roundoff u (2^-24 for f32, 2^-53 for f64), so one
// table serves both dtypes. `extra` is added by tests of accumulating ops: for a sum or dot
// product of n terms it is gamma(n) * sum|terms| (gamma(n) = nu / (1 - nu), Higham, "Accuracy
// and Stability of Numerical Algorithms", 2nd ed., eq. 3.5 and 4.3). That bound holds for any
// summation order, blocking, thread split or FMA, so it never fails a correct backend, while a
// dropped, doubled or misplaced term of a typical size exceeds it (and the integer-valued
// tests, exact in any order, catch the rest with no tolerance at all).
#pragma once

#include "anvil/op.h"
#include "support/compare.h"

namespace anvil::test {

struct OpTolerance {
    Op op;
    double abs_u;  // absolute bound, in units of u
    double rel_u;  // relative bound, in units of u
};

// Why each entry is what it is:
// - Exact (0, 0): fill, copy, neg, abs, relu, step, clip, maximum, minimum, max, min, argmax
//   and transpose only move, select or negate values; nothing is rounded.
// - add, sub, mul, square, sqrt (0, 1): IEEE 754 correctly rounds them, so the stored result
//   is within u|e| of the exact value of the (exactly representable) inputs.
// - div (0, 2): correctly rounded is u; 2u also admits x * (1/y), two roundings.
// - affine (0, 1) + extra 2u(|a x| + |b|): a and b arrive as doubles and are rounded to the
//   dtype (u each), then a*x and +b are rounded (or fused); cancellation in a x + b makes a
//   bound relative to |e| alone meaningless, so the error is charged to the terms.
// - exp (abs 2, rel 8): vectorised approximations reduce x to r = x - n ln2 in the working
//   precision, and the error of that step grows with n: Eigen's f32 pexp measures 6u at
//   x = 87 (2u for |x| <= 5). 8u (4 ulp at worst) over the whole finite range.
// - log (abs 2, rel 4): Eigen's plog and libm measure 2u (1 ulp); near x = 1 the result is
//   near 0, where the absolute part (a fraction of an ulp of 1) applies instead.
// - softplus (abs 2, rel 4): max(x, 0) + log1p(e^-|x|) is three roundings of correctly
//   rounded or 1-ulp functions; the log1p term is at most log 2, so the absolute part covers
//   cancellation-free sums near 0 and the relative part the rest.
// - sin, cos (abs 4, rel 4), arguments |x| <= 100: the result lies in [-1, 1] and vanishes at
//   multiples of pi/2, so the bound is absolute, 2 ulp of 1; the range reduction of an f32
//   argument up to 100 (Cody-Waite with a 3-part pi/2) loses under 1 ulp of 1 (Eigen's psin
//   and pcos measure 2u, i.e. 1 ulp, over [-100, 100]).
// - tanh, sigmoid (abs 4, rel 8): Eigen's f32 tanh is a rational approximation measured at
//   5.5u near 0, sigmoid (exp and a division) at 3.8u; 8u leaves room for other vectorised
//   forms. The absolute part covers results near 0.
// - sum, mean (0, 2) + extra gamma(n) sum|x| (mean: divided by n): the final division of mean
//   (or multiplication by 1/n) is rounded, the accumulation is charged to the extra bound.
// - gemm (0, 1) + extra gamma(K + 3) (|alpha| |op(a)| |op(b)| + |beta| |c|): a K-term dot
//   product scaled by alpha plus beta c is a sum of K + 1 rounded products; with K = 256 in f32
//   that is 1.5e-5 times the magnitude, far below one missing product term.
// - Composites (linear_act_forward/backward, mse_loss_grad, adam_update, sgd_update) are
//   checked with bounds derived in their tests from these entries and the data: the GEMM
//   bound on the pre-activation times the activation's Lipschitz constant (omega for sine).
// clang-format off
inline constexpr OpTolerance kOpTolerances[] = {
    {Op::fill, 0, 0},      {Op::copy, 0, 0},     {Op::neg, 0, 0},      {Op::abs, 0, 0},
    {Op::relu, 0, 0},      {Op::step, 0, 0},     {Op::clip, 0, 0},     {Op::maximum, 0, 0},
    {Op::minimum, 0, 0},   {Op::max, 0, 0},      {Op::min, 0, 0},      {Op::argmax, 0, 0},
    {Op::transpose, 0, 0}, {Op::add, 0, 1},      {Op::sub, 0, 1},      {Op::mul, 0, 1},
    {Op::square, 0, 1},    {Op::sqrt, 0, 1},     {Op::div, 0, 2},      {Op::affine, 0, 1},
    {Op::exp, 2, 8},       {Op::log, 2, 4},      {Op::sin, 4, 4},      {Op::cos, 4, 4},
    {Op::tanh, 4, 8},      {Op::sigmoid, 4, 8},  {Op::sum, 0, 2},      {Op::mean, 0, 2},
    {Op::gemm, 0, 1},      {Op::softplus, 2, 4},
};
// clang-format on

// The entry for `op` scaled to `dtype`; ops without an entry (the composites) are exact.
inline Tolerance op_tolerance(Op op, DType dtype) {
    const double u = unit_roundoff(dtype);
    for (const OpTolerance& t : kOpTolerances)
        if (t.op == op) return Tolerance{t.abs_u * u, t.rel_u * u};
    return Tolerance{0.0, 0.0};
}

}  // namespace anvil::test
