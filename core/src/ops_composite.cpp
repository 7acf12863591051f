// Public composite ops: validation, then dispatch to the device (which may run its own fused
// kernels or the core defaults in device_composites.cpp).
#include "anvil/ops.h"
#include "validate.h"

namespace anvil {

using namespace detail;

namespace {
// Checks that `t` is a defined tensor on x's device with x's dtype and the expected shape.
void check_operand(const char* op, const Tensor& x, const Tensor& t, const Shape& shape,
                   const char* role) {
    require_defined(op, t, role);
    require_same_device(op, x, t);
    require_same_dtype(op, x, t);
    require_shape(op, t, shape, role);
}

void check_linear(const char* op, Op code, const Tensor& x, const Tensor& w) {
    require_defined(op, x, "input x");
    require_defined(op, w, "weight w");
    require_floating(op, x);
    require_rank(op, x, 2, "input x (N, in)");
    require_rank(op, w, 2, "weight w (out, in)");
    require_same_device(op, x, w);
    require_same_dtype(op, x, w);
    if (x.shape()[1] != w.shape()[1])
        throw Error(tag(op) + "inner dimensions differ: x " + x.shape().to_string() +
                    " x w^T " + w.shape().to_string() + "^T");
    require_supported(code, x);
}
// The prologue of an optimizer update: every slot names its tensors, and every parameter is
// on the first one's device with its dtype (a backend runs all slots in one call).
template <typename Slot>
const Tensor& check_optimizer_slots(const char* op, Op code, std::span<const Slot> slots) {
    for (const Slot& s : slots)
        if (!s.param || !s.grad) throw Error(tag(op) + "a slot has no parameter or gradient");
    const Tensor& first = *slots[0].param;
    require_defined(op, first, "parameter");
    require_floating(op, first);
    require_supported(code, first);
    for (const Slot& s : slots) {
        require_defined(op, *s.param, "parameter");
        require_same_device(op, first, *s.param);
        require_same_dtype(op, first, *s.param);
        check_operand(op, *s.param, *s.grad, s.param->shape(), "gradient");
    }
    return first;
}
}  // namespace

void linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                        const Tensor* b, Tensor& y, Tensor* dact) {
    const char* op = "linear_act_forward";
    check_linear(op, Op::linear_act_forward, x, w);
    const Shape out_shape{x.shape()[0], w.shape()[0]};
    if (b) check_operand(op, x, *b, Shape{w.shape()[0]}, "bias b (out)");
    check_operand(op, x, y, out_shape, "output y (N, out)");
    if (dact) check_operand(op, x, *dact, out_shape, "derivative dact (N, out)");
    if (y.shares_storage(x) || (dact && dact->shares_storage(y)))
        throw Error(tag(op) + "outputs alias inputs or each other");
    if (y.numel() == 0) return;
    x.device().linear_act_forward(act, omega, x, w, b, y, dact);
}

void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor* dact,
                         Tensor* dx, Tensor& dw, Tensor* db) {
    const char* op = "linear_act_backward";
    check_linear(op, Op::linear_act_backward, x, w);
    const Shape out_shape{x.shape()[0], w.shape()[0]};
    check_operand(op, x, dy, out_shape, "gradient dy (N, out)");
    if (dact) check_operand(op, x, *dact, out_shape, "derivative dact (N, out)");
    if (dx) check_operand(op, x, *dx, x.shape(), "gradient dx (N, in)");
    check_operand(op, x, dw, w.shape(), "gradient dw (out, in)");
    if (db) check_operand(op, x, *db, Shape{w.shape()[0]}, "gradient db (out)");
    x.device().linear_act_backward(x, w, dy, dact, dx, dw, db);
}

void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss, Tensor* grad) {
    const char* op = "mse_loss_grad";
    require_defined(op, pred, "prediction");
    require_floating(op, pred);
    require_supported(Op::mse_loss_grad, pred);
    check_operand(op, pred, target, pred.shape(), "target");
    require_defined(op, loss, "loss");
    require_same_device(op, pred, loss);
    require_same_dtype(op, pred, loss);
    if (loss.numel() != 1)
        throw Error(tag(op) + "loss must hold one element, got " + loss.shape().to_string());
    if (grad) check_operand(op, pred, *grad, pred.shape(), "gradient");
    if (pred.numel() == 0) throw Error(tag(op) + "empty prediction " + pred.describe());
    pred.device().mse_loss_grad(pred, target, loss, grad);
}

void adam_update(std::span<const AdamSlot> slots, const AdamParams& params) {
    const char* op = "adam_update";
    if (slots.empty()) return;
    if (params.step < 1) throw Error(tag(op) + "step must be >= 1, got " + std::to_string(params.step));
    if (!(params.beta1 >= 0 && params.beta1 < 1) || !(params.beta2 >= 0 && params.beta2 < 1))
        throw Error(tag(op) + "betas must lie in [0, 1)");
    const Tensor& first = check_optimizer_slots(op, Op::adam_update, slots);
    for (const AdamSlot& s : slots) {
        if (!s.m || !s.v) throw Error(tag(op) + "a slot has no moment tensors m and v");
        check_operand(op, *s.param, *s.m, s.param->shape(), "first moment m");
        check_operand(op, *s.param, *s.v, s.param->shape(), "second moment v");
    }
    first.device().adam_update(slots, params);
}

void sgd_update(std::span<const SgdSlot> slots, const SgdParams& params) {
    const char* op = "sgd_update";
    if (slots.empty()) return;
    const Tensor& first = check_optimizer_slots(op, Op::sgd_update, slots);
    for (const SgdSlot& s : slots) {
        if (params.momentum != 0.0 && !s.velocity)
            throw Error(tag(op) + "momentum " + number(params.momentum) +
                        " needs a velocity tensor for every parameter");
        if (s.velocity) check_operand(op, *s.param, *s.velocity, s.param->shape(), "velocity");
    }
    first.device().sgd_update(slots, params);
}

}  // namespace anvil
