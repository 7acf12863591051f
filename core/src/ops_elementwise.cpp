// Public elementwise ops: fill, copy, unary, clip, affine and broadcasting binary ops.
#include <cmath>

#include "anvil/ops.h"
#include "validate.h"

namespace anvil {

using namespace detail;

void fill_(Tensor& out, double value) {
    require_defined("fill", out, "output");
    require_supported(Op::fill, out);
    if (out.numel() > 0) out.device().fill(out, value);
}

void copy_into(const Tensor& src, Tensor& dst) {
    require_defined("copy", src, "source");
    require_defined("copy", dst, "destination");
    require_same_dtype("copy", src, dst);
    require_same_shape("copy", src, dst, "destination");
    if (src.nbytes() == 0 || src.data() == dst.data()) return;
    if (&src.device() == &dst.device()) {
        require_supported(Op::copy, src);
        src.device().copy_on_device(dst.data(), src.data(), src.nbytes());
        return;
    }
    // Across devices (possibly across backends): stage through host memory.
    std::vector<unsigned char> staging(src.nbytes());
    src.to_host(staging.data(), staging.size());
    dst.device().copy_from_host(dst.data(), staging.data(), staging.size());
}

void unary_into(UnaryOp op, const Tensor& x, Tensor& out) {
    const Op code = to_op(op);
    check_float_op(code, x);
    check_output(op_name(op), x, out, x.shape());
    if (x.numel() > 0) x.device().unary(op, x, out);
}

Tensor unary(UnaryOp op, const Tensor& x) {
    check_float_op(to_op(op), x);
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device_ptr());
    unary_into(op, x, out);
    return out;
}

Tensor neg(const Tensor& x) { return unary(UnaryOp::neg, x); }
Tensor abs(const Tensor& x) { return unary(UnaryOp::abs, x); }
Tensor exp(const Tensor& x) { return unary(UnaryOp::exp, x); }
Tensor log(const Tensor& x) { return unary(UnaryOp::log, x); }
Tensor sqrt(const Tensor& x) { return unary(UnaryOp::sqrt, x); }
Tensor square(const Tensor& x) { return unary(UnaryOp::square, x); }
Tensor sin(const Tensor& x) { return unary(UnaryOp::sin, x); }
Tensor cos(const Tensor& x) { return unary(UnaryOp::cos, x); }
Tensor tanh(const Tensor& x) { return unary(UnaryOp::tanh, x); }
Tensor sigmoid(const Tensor& x) { return unary(UnaryOp::sigmoid, x); }
Tensor relu(const Tensor& x) { return unary(UnaryOp::relu, x); }
Tensor step(const Tensor& x) { return unary(UnaryOp::step, x); }

void clip_into(const Tensor& x, double lo, double hi, Tensor& out) {
    check_float_op(Op::clip, x);
    if (std::isnan(lo) || std::isnan(hi))
        throw Error("[clip] bounds must not be NaN (lo " + number(lo) + ", hi " + number(hi) + ")");
    if (lo > hi)
        throw Error("[clip] lo (" + number(lo) + ") > hi (" + number(hi) + ")");
    check_output("clip", x, out, x.shape());
    if (x.numel() > 0) x.device().clip(x, lo, hi, out);
}

Tensor clip(const Tensor& x, double lo, double hi) {
    check_float_op(Op::clip, x);
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device_ptr());
    clip_into(x, lo, hi, out);
    return out;
}

void affine_into(const Tensor& x, double a, double b, Tensor& out) {
    check_float_op(Op::affine, x);
    check_output("affine", x, out, x.shape());
    if (x.numel() > 0) x.device().affine(x, a, b, out);
}

Tensor affine(const Tensor& x, double a, double b) {
    check_float_op(Op::affine, x);
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device_ptr());
    affine_into(x, a, b, out);
    return out;
}

namespace {
void check_binary(BinaryOp op, const Tensor& a, const Tensor& b) {
    const char* name = op_name(op);
    require_defined(name, a, "left operand");
    require_defined(name, b, "right operand");
    require_same_device(name, a, b);
    require_same_dtype(name, a, b);
    require_floating(name, a);
    require_supported(to_op(op), a);
}
}  // namespace

void binary_into(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
    check_binary(op, a, b);
    const char* name = op_name(op);
    const BroadcastGeometry geometry = broadcast_geometry(name, a.shape(), b.shape());
    check_output(name, a, out, broadcast_shape(name, a.shape(), b.shape()));
    // Writing over an operand is only safe when that operand is read at the output's index.
    if ((out.shares_storage(a) && a.shape() != out.shape()) ||
        (out.shares_storage(b) && b.shape() != out.shape()))
        throw Error(tag(name) + "output aliases a broadcast operand");
    if (geometry.numel > 0) a.device().binary(op, geometry, a, b, out);
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
    check_binary(op, a, b);
    const Shape shape = broadcast_shape(op_name(op), a.shape(), b.shape());
    Tensor out = Tensor::empty(shape, a.dtype(), a.device_ptr());
    binary_into(op, a, b, out);
    return out;
}

Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::add, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::sub, a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::div, a, b); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::maximum, a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::minimum, a, b); }

}  // namespace anvil
