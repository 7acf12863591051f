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
    // Same storage, not equal handles: handles of two devices may coincide (opaque values).
    if (src.nbytes() == 0 || src.shares_storage(dst)) return;
    if (&src.device() == &dst.device()) {
        require_supported(Op::copy, src);
        src.device().copy_on_device(dst.data(), src.data(), src.nbytes());
        return;
    }
    // Across devices (possibly across backends): stage through host memory.
    std::vector<unsigned char> staging(src.nbytes());
    src.to_host(staging.data(), staging.size());
    dst.device().copy_from_host(dst.data(), 0, staging.data(), staging.size());
}

void unary_into(UnaryOp op, const Tensor& x, Tensor& out) {
    const Op code = to_op(op);
    check_float_op(code, x);
    check_output(op_name(op), x, out, x.shape());
    if (x.numel() > 0) x.device().unary(op, x, out);
}

// The value forms validate the inputs once and write a fresh output of the right shape, so
// the *_into forms' output checks have nothing to add.
Tensor unary(UnaryOp op, const Tensor& x) {
    check_float_op(to_op(op), x);
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device_ptr());
    if (x.numel() > 0) x.device().unary(op, x, out);
    return out;
}

#define ANVIL_DEFINE_UNARY_(name, id) \
    Tensor name(const Tensor& x) { return unary(UnaryOp::name, x); }
ANVIL_UNARY_OPS(ANVIL_DEFINE_UNARY_)
#undef ANVIL_DEFINE_UNARY_

namespace {
void check_clip(const Tensor& x, double lo, double hi) {
    check_float_op(Op::clip, x);
    if (std::isnan(lo) || std::isnan(hi))
        throw Error("[clip] bounds must not be NaN (lo " + number(lo) + ", hi " + number(hi) + ")");
    if (lo > hi)
        throw Error("[clip] lo (" + number(lo) + ") > hi (" + number(hi) + ")");
}
}  // namespace

void clip_into(const Tensor& x, double lo, double hi, Tensor& out) {
    check_clip(x, lo, hi);
    check_output("clip", x, out, x.shape());
    if (x.numel() > 0) x.device().clip(x, lo, hi, out);
}

Tensor clip(const Tensor& x, double lo, double hi) {
    check_clip(x, lo, hi);
    Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device_ptr());
    if (x.numel() > 0) x.device().clip(x, lo, hi, out);
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
    if (x.numel() > 0) x.device().affine(x, a, b, out);
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
    const char* name = op_name(op);
    const BroadcastGeometry geometry = broadcast_geometry(name, a.shape(), b.shape());
    Tensor out = Tensor::empty(broadcast_shape(name, a.shape(), b.shape()), a.dtype(),
                               a.device_ptr());
    if (geometry.numel > 0) a.device().binary(op, geometry, a, b, out);
    return out;
}

#define ANVIL_DEFINE_BINARY_(name, id) \
    Tensor name(const Tensor& a, const Tensor& b) { return binary(BinaryOp::name, a, b); }
ANVIL_BINARY_OPS(ANVIL_DEFINE_BINARY_)
#undef ANVIL_DEFINE_BINARY_

}  // namespace anvil
