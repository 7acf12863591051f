// Argument checks shared by the public ops (internal to libanvil_core). Each throws
// anvil::Error with a message that starts with "[op]" and names the offending operands.
#pragma once

#include <cstdio>
#include <string>

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/op.h"
#include "anvil/tensor.h"

namespace anvil::detail {

inline std::string tag(const char* op) { return std::string("[") + op + "] "; }

// Shortest round-trip-ish form of a scalar argument for messages: 2, 0.5, 1e-08.
inline std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

inline void require_defined(const char* op, const Tensor& t, const char* role) {
    if (!t.defined()) throw Error(tag(op) + role + " is an undefined tensor");
}

inline void require_same_device(const char* op, const Tensor& a, const Tensor& b) {
    if (&a.device() != &b.device())
        throw Error(tag(op) + "operands are on different devices: " + a.device().name() +
                    " and " + b.device().name() + " (move one with Tensor::to)");
}

inline void require_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
    if (a.dtype() != b.dtype())
        throw Error(tag(op) + "dtypes differ: " + dtype_name(a.dtype()) + " and " +
                    dtype_name(b.dtype()));
}

inline void require_same_shape(const char* op, const Tensor& a, const Tensor& b,
                               const char* what) {
    if (a.shape() != b.shape())
        throw Error(tag(op) + what + " shape " + b.shape().to_string() + " does not match " +
                    a.shape().to_string());
}

inline void require_shape(const char* op, const Tensor& t, const Shape& expected,
                          const char* role) {
    if (t.shape() != expected)
        throw Error(tag(op) + role + " has shape " + t.shape().to_string() + ", expected " +
                    expected.to_string());
}

inline void require_rank(const char* op, const Tensor& t, int rank, const char* role) {
    if (t.rank() != rank)
        throw Error(tag(op) + role + " must have rank " + std::to_string(rank) + ", got " +
                    t.shape().to_string());
}

inline void require_floating(const char* op, const Tensor& t) {
    if (!is_floating(t.dtype()))
        throw Error(tag(op) + "expects a floating-point tensor, got " + t.describe());
}

// Refuses an op the device does not declare; there is no fallback to another backend.
inline void require_supported(Op op, const Tensor& t, const char* public_name = nullptr) {
    if (!t.device().supports(op, t.dtype()))
        throw Error(tag(public_name ? public_name : op_name(op)) + "backend '" + t.device().backend_name() + "' (device " +
                    t.device().name() + ") does not support " + op_name(op) + " for " +
                    dtype_name(t.dtype()));
}

// The usual prologue of an op on one floating tensor.
inline void check_float_op(Op op, const Tensor& x) {
    require_defined(op_name(op), x, "input");
    require_floating(op_name(op), x);
    require_supported(op, x);
}

// The prologue of an op writing into `out`: same device, dtype and shape as `like`.
inline void check_output(const char* op, const Tensor& like, const Tensor& out,
                         const Shape& expected) {
    require_defined(op, out, "output");
    require_same_device(op, like, out);
    require_same_dtype(op, like, out);
    require_shape(op, out, expected, "output");
}

}  // namespace anvil::detail
