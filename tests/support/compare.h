// Tolerance comparisons of a device result against a float64 reference, element by element:
//   |actual - expected| <= abs + rel * |expected| + extra[i]
// where `extra` (optional) carries per-element error bounds that depend on the data, such as
// gamma(K) * sum|a_ik b_kj| for an accumulation of K products. NaN must meet NaN and an
// infinity the same infinity; a finite expectation is never met by NaN or Inf.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "anvil/dtype.h"
#include "support/host_tensor.h"

namespace anvil::test {

struct Tolerance {
    double abs = 0.0;
    double rel = 0.0;
};

// Unit roundoff u: the largest relative error of one correctly rounded operation
// (2^-24 for f32, 2^-53 for f64).
double unit_roundoff(DType dtype);
// Higham's gamma_n = n u / (1 - n u): the relative bound, against sum |terms|, of any
// summation order of n terms (and of an n-term dot product).
double gamma(std::int64_t n, DType dtype);

// Compares against `expected` rounded to `dtype` (the value a perfect backend would store:
// f32 exp(100) is +Inf, f32 0.1 is 0.100000001). A bound of zero demands exactly that value.
// A nonzero bound is a bound on the error against the exact result, so two allowances are
// added to it: the rounding of the expectation itself (u |e|), and, for f64, the float64
// reference's own rounding, which is as large as the device's (the bound is doubled; for f32
// the reference's rounding is 2^-29 times smaller and ignored). `extra`, when given, must have
// expected's shape. Reports the number of mismatches and the first few with their indices,
// actual, expected and bound.
testing::AssertionResult all_close(const HostTensor& actual, const HostTensor& expected,
                                   DType dtype, Tolerance tol, const HostTensor* extra = nullptr);

// Bitwise-level equality after rounding to dtype (NaN equals NaN, -0 equals +0).
testing::AssertionResult all_equal(const HostTensor& actual, const HostTensor& expected,
                                   DType dtype);

}  // namespace anvil::test
