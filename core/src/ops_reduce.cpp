// Public reductions: sum, mean, max, min over all elements or one axis, and argmax.
#include "anvil/ops.h"
#include "validate.h"

namespace anvil {

using namespace detail;

namespace {
struct ReducePlan {
    ReduceGeometry geometry;
    Shape out_shape;
};

ReducePlan plan_reduce(const char* name, const Shape& shape, std::optional<int> axis,
                       bool keepdims) {
    ReducePlan plan;
    std::vector<std::int64_t> out_dims;
    if (!axis) {
        plan.geometry = {1, shape.numel(), 1};
        if (keepdims) out_dims.assign(static_cast<std::size_t>(shape.rank()), 1);
    } else {
        if (shape.rank() == 0)
            throw Error(tag(name) + "cannot reduce a scalar along axis " + std::to_string(*axis));
        const int ax = normalize_axis(name, *axis, shape.rank());
        std::int64_t outer = 1, inner = 1;
        for (int d = 0; d < ax; ++d) outer *= shape[d];
        for (int d = ax + 1; d < shape.rank(); ++d) inner *= shape[d];
        plan.geometry = {outer, shape[ax], inner};
        for (int d = 0; d < shape.rank(); ++d) {
            if (d != ax) out_dims.push_back(shape[d]);
            else if (keepdims) out_dims.push_back(1);
        }
    }
    plan.out_shape = Shape(std::move(out_dims));
    return plan;
}
}  // namespace

Tensor reduce(ReduceOp op, const Tensor& x, std::optional<int> axis, bool keepdims) {
    const Op code = to_op(op);
    const char* name = op_name(op);
    check_float_op(code, x);
    const ReducePlan plan = plan_reduce(name, x.shape(), axis, keepdims);
    if (plan.geometry.length == 0 && (op == ReduceOp::max || op == ReduceOp::min))
        throw Error(tag(name) + "reduction of zero elements has no identity: " + x.describe());
    Tensor out = Tensor::empty(plan.out_shape, x.dtype(), x.device_ptr());
    if (out.numel() > 0) x.device().reduce(op, plan.geometry, x, out);
    return out;
}

#define ANVIL_DEFINE_REDUCE_(name, id)                                    \
    Tensor name(const Tensor& x, std::optional<int> axis, bool keepdims) { \
        return reduce(ReduceOp::name, x, axis, keepdims);                  \
    }
ANVIL_REDUCE_OPS(ANVIL_DEFINE_REDUCE_)
#undef ANVIL_DEFINE_REDUCE_

Tensor argmax(const Tensor& x, int axis, bool keepdims) {
    check_float_op(Op::argmax, x);
    const ReducePlan plan = plan_reduce("argmax", x.shape(), axis, keepdims);
    if (plan.geometry.length == 0)
        throw Error("[argmax] axis " + std::to_string(axis) + " of " + x.describe() +
                    " is empty");
    Tensor out = Tensor::empty(plan.out_shape, DType::i64, x.device_ptr());
    if (out.numel() > 0) x.device().argmax(plan.geometry, x, out);
    return out;
}

}  // namespace anvil
