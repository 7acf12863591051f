// Losses and their gradients: MSE through the core composite, BCE on probabilities built from
// primitives (clip, log, affine, elementwise, and a product for the mean).
#include "anvil/nn/loss.h"

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/ops.h"
#include "internal.h"

namespace anvil::nn {

namespace {
void check_operands(const char* op, const Tensor& pred, const Tensor& target, const Tensor& loss,
                    const Tensor* grad) {
    const std::string tag = std::string("[") + op + "] ";
    if (!pred.defined() || !target.defined() || !loss.defined() || (grad && !grad->defined()))
        throw Error(tag + "prediction, target, loss and gradient must be defined tensors");
    if (!is_floating(pred.dtype()))
        throw Error(tag + "expects floating-point predictions, got " + pred.describe());
    if (pred.numel() == 0) throw Error(tag + "empty prediction " + pred.describe());
    auto same = [&](const Tensor& t, const Shape& shape, const char* role) {
        if (&t.device() != &pred.device() || t.dtype() != pred.dtype() || t.shape() != shape)
            throw Error(tag + role + " is " + t.describe() + ", expected " +
                        dtype_name(pred.dtype()) + " " + shape.to_string() + " on " +
                        pred.device().name());
    };
    same(target, pred.shape(), "target");
    if (grad) same(*grad, pred.shape(), "gradient");
    if (&loss.device() != &pred.device() || loss.dtype() != pred.dtype() || loss.numel() != 1)
        throw Error(tag + "loss is " + loss.describe() + ", expected one " +
                    dtype_name(pred.dtype()) + " element on " + pred.device().name());
}
}  // namespace

const char* loss_name(LossKind kind) { return kind == LossKind::mse ? "mse" : "bce"; }

LossKind parse_loss(const std::string& name) {
    const std::string lower = detail::lower_ascii(name);
    if (lower == "mse") return LossKind::mse;
    if (lower == "bce") return LossKind::bce;
    throw Error("[loss] unknown loss '" + name + "' (expected mse or bce)");
}

Tensor Loss::make_scalar(const Tensor& like) {
    return Tensor::zeros(Shape{}, like.dtype(), like.device_ptr());
}

void Loss::ensure_workspace(const Tensor& pred) {
    if (clipped_.defined() && clipped_.shape() == pred.shape() &&
        clipped_.dtype() == pred.dtype() && &clipped_.device() == &pred.device())
        return;
    const auto& dev = pred.device_ptr();
    clipped_ = Tensor::empty(pred.shape(), pred.dtype(), dev);
    one_minus_ = Tensor::empty(pred.shape(), pred.dtype(), dev);
    term_ = Tensor::empty(pred.shape(), pred.dtype(), dev);
    scratch_ = Tensor::empty(pred.shape(), pred.dtype(), dev);
    ones_ = Tensor::full(Shape{pred.numel(), 1}, pred.dtype(), dev, 1.0);
}

void Loss::compute(const Tensor& pred, const Tensor& target, Tensor& loss, Tensor* grad) {
    if (kind_ == LossKind::mse) {
        check_operands("mse_loss", pred, target, loss, grad);
        mse_loss_grad(pred, target, loss, grad);
        return;
    }
    check_operands("bce_loss", pred, target, loss, grad);
    ensure_workspace(pred);
    const std::int64_t n = pred.numel();
    const Tensor& t = target;
    clip_into(pred, kBceEpsilon, 1.0 - kBceEpsilon, clipped_);  // c
    affine_into(clipped_, -1.0, 1.0, one_minus_);               // 1 - c
    unary_into(UnaryOp::log, clipped_, term_);                  // log c
    unary_into(UnaryOp::log, one_minus_, scratch_);             // log(1 - c)
    // t log c + (1 - t) log(1 - c) = t (log c - log(1 - c)) + log(1 - c)
    binary_into(BinaryOp::sub, term_, scratch_, term_);
    binary_into(BinaryOp::mul, term_, t, term_);
    binary_into(BinaryOp::add, term_, scratch_, term_);
    // loss = -mean(term) as (1, n) x (n, 1) scaled by -1/n: the public ops have no reduction
    // into a caller's tensor, and this one allocates nothing per step.
    Tensor loss_view = loss.reshape(Shape{1, 1});
    gemm(false, false, -1.0 / static_cast<double>(n), term_.reshape(Shape{1, n}), ones_, 0.0,
         loss_view);
    if (!grad) return;
    // d/dc = (c - t) / (c (1 - c)), divided by n for the mean.
    binary_into(BinaryOp::mul, clipped_, one_minus_, scratch_);
    binary_into(BinaryOp::sub, clipped_, t, clipped_);
    binary_into(BinaryOp::div, clipped_, scratch_, *grad);
    affine_into(*grad, 1.0 / static_cast<double>(n), 0.0, *grad);
}

double loss_value(const Tensor& loss) {
    if (!loss.defined() || loss.numel() != 1)
        throw Error("[loss] loss_value expects a one-element tensor, got " +
                    (loss.defined() ? loss.describe() : std::string("an undefined tensor")));
    return loss.item();
}

}  // namespace anvil::nn
