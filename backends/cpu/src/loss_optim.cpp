// Fused loss and optimiser composites of the CPU backend: MSE loss with its gradient in one
// pass, and Adam / SGD updates over all parameter slots in one parallel region (the slots
// are treated as one long array split evenly between threads). Same math as the core
// defaults in core/src/device_composites.cpp.
#include <cmath>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "parallel.h"

namespace anvil::cpu {

namespace {

// pred, target, grad: (n); returns sum((pred - target)^2) and writes grad = scale (pred - target).
template <typename T>
Acc<T> mse_run(const T* pred, const T* target, T* grad, T scale, Index begin, Index end) {
    constexpr Index kChunk = 1024;  // squared errors summed in T by Eigen, then in Acc
    Acc<T> total = 0;
    for (Index i = begin; i < end; i += kChunk) {
        const Index len = std::min(kChunk, end - i);
        const auto diff = ConstArrayMap<T>(pred + i, len) - ConstArrayMap<T>(target + i, len);
        if (grad) ArrayMap<T>(grad + i, len) = scale * diff;
        total += static_cast<Acc<T>>(diff.square().sum());
    }
    return total;
}

// Calls f(slot, lo, hi) for the part [lo, hi) of each slot that overlaps the global range
// [begin, end) of the slots laid end to end.
template <typename Slot, typename F>
void for_each_slot_part(std::span<const Slot> slots, Index begin, Index end, F f) {
    Index offset = 0;
    for (const Slot& s : slots) {
        const Index size = s.param->numel();
        const Index lo = std::max(begin, offset), hi = std::min(end, offset + size);
        if (lo < hi) f(s, lo - offset, hi - offset);
        offset += size;
        if (offset >= end) break;
    }
}

template <typename Slot> Index total_elements(std::span<const Slot> slots) {
    Index total = 0;
    for (const Slot& s : slots) total += s.param->numel();
    return total;
}

// One slot's elements [0, n). The pointers are distinct tensors (checked by the caller), so
// __restrict lets the compiler vectorise (vsqrtps / vdivps) without runtime alias checks.
template <typename T>
void adam_run(T* __restrict param, const T* __restrict grad, T* __restrict m, T* __restrict v,
              Index n, const common::AdamCoefficients<T>& k) {
    for (Index i = 0; i < n; ++i) common::adam_step(param[i], grad[i], m[i], v[i], k);
}

// The same update when some of the four tensors share storage: adam_step reads the gradient
// first and writes m, then v, then the parameter, the order of the core default.
template <typename T>
void adam_run_aliased(T* param, const T* grad, T* m, T* v, Index n,
                      const common::AdamCoefficients<T>& k) {
    for (Index i = 0; i < n; ++i) common::adam_step(param[i], grad[i], m[i], v[i], k);
}

template <typename T> void adam_typed(std::span<const AdamSlot> slots, const AdamParams& p) {
    const common::AdamCoefficients<T> k =
        common::adam_coefficients<T>(p.lr, p.beta1, p.beta2, p.eps, p.step);
    parallel_elements(total_elements(slots), [&](Index begin, Index end, int) {
        for_each_slot_part(slots, begin, end, [&](const AdamSlot& s, Index lo, Index hi) {
            T* param = s.param->data_as<T>() + lo;
            const T* grad = s.grad->data_as<T>() + lo;
            T* m = s.m->data_as<T>() + lo;
            T* v = s.v->data_as<T>() + lo;
            const void* ptrs[] = {param, grad, m, v};
            bool distinct = true;
            for (int i = 0; i < 4; ++i)
                for (int j = i + 1; j < 4; ++j) distinct = distinct && ptrs[i] != ptrs[j];
            if (distinct) adam_run(param, grad, m, v, hi - lo, k);
            else adam_run_aliased(param, grad, m, v, hi - lo, k);
        });
    });
}

template <typename T> void sgd_typed(std::span<const SgdSlot> slots, const SgdParams& p) {
    const T neg_lr = static_cast<T>(-p.lr), momentum = static_cast<T>(p.momentum);
    parallel_elements(total_elements(slots), [&](Index begin, Index end, int) {
        for_each_slot_part(slots, begin, end, [&](const SgdSlot& s, Index lo, Index hi) {
            T* param = s.param->data_as<T>();
            const T* grad = s.grad->data_as<T>();
            if (p.momentum == 0.0) {  // p -= lr g
                for (Index i = lo; i < hi; ++i) param[i] += neg_lr * grad[i];
                return;
            }
            T* vel = s.velocity->data_as<T>();  // v = momentum v + g; p -= lr v
            for (Index i = lo; i < hi; ++i) {
                vel[i] = momentum * vel[i] + grad[i];
                param[i] += neg_lr * vel[i];
            }
        });
    });
}

}  // namespace

void CpuDevice::mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss, Tensor* grad) {
    dispatch_float("mse_loss_grad", pred.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const Index n = pred.numel();
        const T* pp = pred.data_as<T>();
        const T* tp = target.data_as<T>();
        T* gp = grad ? grad->data_as<T>() : nullptr;
        const T scale = static_cast<T>(2.0 / static_cast<double>(n));
        const Acc<T> total = parallel_fold<Acc<T>>(
            n, [&](Index begin, Index end) { return mse_run(pp, tp, gp, scale, begin, end); },
            [](Acc<T> a, Acc<T> b) { return a + b; });
        loss.data_as<T>()[0] = static_cast<T>(total / static_cast<Acc<T>>(n));
    });
}

void CpuDevice::adam_update(std::span<const AdamSlot> slots, const AdamParams& params) {
    dispatch_float("adam_update", slots[0].param->dtype(),
                   [&](auto zero) { adam_typed<decltype(zero)>(slots, params); });
}

void CpuDevice::sgd_update(std::span<const SgdSlot> slots, const SgdParams& params) {
    dispatch_float("sgd_update", slots[0].param->dtype(),
                   [&](auto zero) { sgd_typed<decltype(zero)>(slots, params); });
}

}  // namespace anvil::cpu
