// Losses with their gradients, computed on the predictions' device. The loss is a device
// scalar tensor (reading it synchronises, so a training loop reads it only when it reports);
// loss_value() is the host read helper.
#pragma once

#include <cstdint>
#include <string>

#include "anvil/export.h"
#include "anvil/tensor.h"

namespace anvil::nn {

enum class LossKind : std::uint8_t { mse, bce };
ANVIL_EXPORT const char* loss_name(LossKind kind);
ANVIL_EXPORT LossKind parse_loss(const std::string& name);  // throws "[loss] unknown ..."

// BCE clips probabilities to [eps, 1 - eps] so that both logs stay finite in f32.
// eps = 2^-23 (FLT_EPSILON, 1.19e-7): 1 - 2^-23 is exactly representable in f32 (the float
// just below 1.0f, whose spacing there is 2^-24 = 6e-8), so the clip bounds are exact and
// symmetric and log(1 - p) >= log(2^-23) = -15.9. A smaller eps such as 1e-8 rounds 1 - eps
// to 1.0f and brings back log(0) = -inf and the NaN gradients of a naive BCE; 1e-7 happens to
// round to 1 - 2^-23 too, but only by accident of rounding and not symmetrically.
inline constexpr double kBceEpsilon = 1.0 / 8388608.0;  // 2^-23

// pred, target: same shape (N, C), any rank; loss: one-element tensor of pred's dtype on
// pred's device. Throws "[mse_loss] ..." / "[bce_loss] ..." on mismatched operands.
class ANVIL_EXPORT Loss {
public:
    explicit Loss(LossKind kind) : kind_(kind) {}
    LossKind kind() const { return kind_; }

    // loss = mean over all elements; grad (pred's shape), when given, = d loss / d pred.
    //   mse: mean((p - t)^2), through anvil::mse_loss_grad.
    //   bce: -mean(t log(c) + (1 - t) log(1 - c)), c = clip(p, eps, 1 - eps), p a probability.
    //        grad = (c - t) / (c (1 - c)) / numel. Inside [eps, 1 - eps] that is the exact
    //        derivative; outside it is the derivative at the bound instead of 0, so a
    //        confidently wrong saturated prediction keeps being pushed back instead of freezing.
    // Workspaces are kept between calls and reallocated only when the shape changes.
    void compute(const Tensor& pred, const Tensor& target, Tensor& loss, Tensor* grad);

    // A fresh one-element loss tensor for pred's dtype and device.
    static Tensor make_scalar(const Tensor& like);

private:
    void ensure_workspace(const Tensor& pred);

    LossKind kind_;
    // bce workspaces, pred's shape; ones_ is (numel, 1) for the mean (see loss.cpp).
    Tensor clipped_;    // c, then c - t
    Tensor one_minus_;  // 1 - c
    Tensor term_;       // t log c + (1 - t) log(1 - c)
    Tensor scratch_;    // log(1 - c), then c (1 - c)
    Tensor ones_;
};

// Host read of a one-element loss tensor (synchronises the device).
ANVIL_EXPORT double loss_value(const Tensor& loss);

}  // namespace anvil::nn
