// Public linear-algebra ops: gemm, matmul and the 2-D transpose.
#include "anvil/ops.h"
#include "validate.h"

namespace anvil {

using namespace detail;

namespace {
struct GemmDims {
    std::int64_t m, n, k;
};

// op(a): (M, K), op(b): (K, N). Errors read "[matmul] inner dimensions differ: (3,4) x (5,6)".
GemmDims check_gemm(const char* name, bool trans_a, bool trans_b, const Tensor& a,
                    const Tensor& b) {
    require_defined(name, a, "left operand");
    require_defined(name, b, "right operand");
    require_same_device(name, a, b);
    require_same_dtype(name, a, b);
    require_floating(name, a);
    if (a.rank() != 2 || b.rank() != 2)
        throw Error(tag(name) + "operands must be 2-D, got " + a.shape().to_string() + " x " +
                    b.shape().to_string());
    require_supported(Op::gemm, a, name);
    const std::int64_t m = trans_a ? a.shape()[1] : a.shape()[0];
    const std::int64_t ka = trans_a ? a.shape()[0] : a.shape()[1];
    const std::int64_t kb = trans_b ? b.shape()[1] : b.shape()[0];
    const std::int64_t n = trans_b ? b.shape()[0] : b.shape()[1];
    if (ka != kb)
        throw Error(tag(name) + "inner dimensions differ: " + a.shape().to_string() +
                    (trans_a ? "^T" : "") + " x " + b.shape().to_string() + (trans_b ? "^T" : ""));
    return {m, n, ka};
}
}  // namespace

void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
          double beta, Tensor& c) {
    const GemmDims d = check_gemm("gemm", trans_a, trans_b, a, b);
    check_output("gemm", a, c, Shape{d.m, d.n});
    if (c.shares_storage(a) || c.shares_storage(b))
        throw Error("[gemm] output aliases an operand");
    if (d.m == 0 || d.n == 0) return;
    a.device().gemm(trans_a, trans_b, alpha, a, b, beta, c);
}

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b) {
    const GemmDims d = check_gemm("matmul", trans_a, trans_b, a, b);
    Tensor c = Tensor::empty(Shape{d.m, d.n}, a.dtype(), a.device_ptr());
    if (d.m > 0 && d.n > 0) a.device().gemm(trans_a, trans_b, 1.0, a, b, 0.0, c);
    return c;
}

Tensor transpose(const Tensor& x) {
    require_defined("transpose", x, "input");
    if (x.rank() != 2)
        throw Error("[transpose] expects a 2-D tensor, got " + x.shape().to_string());
    require_supported(Op::transpose, x);
    Tensor out = Tensor::empty(Shape{x.shape()[1], x.shape()[0]}, x.dtype(), x.device_ptr());
    if (x.numel() > 0) x.device().transpose2d(x, out);
    return out;
}

}  // namespace anvil
