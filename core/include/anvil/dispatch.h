// The one dtype dispatcher of anvil and its backends: runs a generic callable with a value of
// the C++ element type of a floating dtype, fn(float{}) or fn(double{}), and returns what it
// returns. Any other dtype is an anvil::Error naming the op and the dtype: the core only
// dispatches what Device::supports() accepts, so reaching it is a caller's bug, reported
// rather than computed on reinterpreted bytes. C++17, so CUDA sources can use it too.
//   dispatch_float("sum", x.dtype(), [&](auto zero) { using T = decltype(zero); ... });
#pragma once

#include <string>
#include <utility>

#include "anvil/dtype.h"
#include "anvil/error.h"

namespace anvil {

template <typename Fn> decltype(auto) dispatch_float(const char* op, DType dtype, Fn&& fn) {
    switch (dtype) {
        case DType::f32: return std::forward<Fn>(fn)(float{});
        case DType::f64: return std::forward<Fn>(fn)(double{});
        case DType::i64: break;
    }
    throw Error(std::string("[") + op + "] no floating-point kernel for dtype " +
                dtype_name(dtype));
}

}  // namespace anvil
