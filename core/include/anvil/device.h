// Device: one compute device of a backend. It owns memory, moves bytes, and runs kernels.
// The core's ops validate every argument (shapes, dtypes, devices) before calling a kernel,
// so a backend computes and never re-checks. Outputs arrive preallocated on this device.
// Composite ops have default implementations built from primitives
// (core/src/device_composites.cpp); a backend overrides the ones that pay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "anvil/dtype.h"
#include "anvil/export.h"
#include "anvil/op.h"

namespace anvil {

class Tensor;

struct MemoryInfo {
    std::size_t total_bytes = 0;
    std::size_t free_bytes = 0;
};

// One parameter tensor with its gradient and Adam moments, all of one shape and device.
struct AdamSlot {
    Tensor* param;
    const Tensor* grad;
    Tensor* m;
    Tensor* v;
};
struct AdamParams {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    std::int64_t step = 1;  // 1-based, for bias correction
};

// One parameter tensor with its gradient and momentum buffer (SGD with momentum).
struct SgdSlot {
    Tensor* param;
    const Tensor* grad;
    Tensor* velocity;
};
struct SgdParams {
    double lr = 1e-2;
    double momentum = 0.0;  // v = momentum * v + g; p -= lr * v
};

class ANVIL_EXPORT Device : public std::enable_shared_from_this<Device> {
public:
    virtual ~Device();

    virtual std::string name() const = 0;          // "cpu:0", "cuda:1"
    virtual std::string description() const = 0;   // hardware, threads, memory
    virtual std::string backend_name() const = 0;  // "cpu"
    virtual MemoryInfo memory_info() const = 0;
    // Whether this device implements `op` for `dtype`. Ops ask before dispatching and refuse
    // with a clear error otherwise; there is never a silent fallback to another backend.
    virtual bool supports(Op op, DType dtype) const = 0;

    // --- memory -----------------------------------------------------------------------
    // Device memory is an opaque handle: whatever allocate() returned, which only this device
    // interprets (an address on cpu and cuda, a cl_mem on opencl). Nothing outside the
    // backend dereferences a handle or does arithmetic on it: a position inside a block is a
    // byte offset passed beside its handle.
    // Throws OutOfMemoryError naming the bytes requested. allocate(0) may return nullptr.
    virtual void* allocate(std::size_t bytes) = 0;
    virtual void deallocate(void* handle, std::size_t bytes) noexcept = 0;
    // Host src -> bytes [dst_offset, dst_offset + bytes) of block dst. src may be freed or
    // reused as soon as the call returns, even when the copy itself is still queued.
    virtual void copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                                std::size_t bytes) = 0;
    // Bytes [src_offset, src_offset + bytes) of block src -> host dst. Synchronises: when it
    // returns, dst holds the data.
    virtual void copy_to_host(void* dst, const void* src, std::size_t src_offset,
                              std::size_t bytes) = 0;
    // The first `bytes` of block src -> the first `bytes` of block dst (distinct blocks).
    virtual void copy_on_device(void* dst, const void* src, std::size_t bytes) = 0;
    virtual void synchronize() = 0;

    // --- primitives (f32 always; f64 where supports() says so) ---------------------------
    virtual void fill(Tensor& out, double value) = 0;
    virtual void unary(UnaryOp op, const Tensor& x, Tensor& out) = 0;
    // out = min(max(x, lo), hi); NaN stays NaN. lo <= hi is checked by the core.
    virtual void clip(const Tensor& x, double lo, double hi, Tensor& out) = 0;
    // out = a * x + b
    virtual void affine(const Tensor& x, double a, double b, Tensor& out) = 0;
    virtual void binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                        const Tensor& b, Tensor& out) = 0;
    // out has geometry.outer * geometry.inner elements. mean of zero elements is NaN;
    // max/min of zero elements are rejected by the core.
    virtual void reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                        Tensor& out) = 0;
    // out (i64): index along the reduced axis of the first maximum; NaN counts as maximum.
    virtual void argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) = 0;
    // x: (R, C) -> out: (C, R)
    virtual void transpose2d(const Tensor& x, Tensor& out) = 0;
    // Row-major c = alpha * op(a) @ op(b) + beta * c, op = transpose when the flag is set.
    // op(a): (M, K), op(b): (K, N), c: (M, N). beta == 0 ignores c's contents (even NaN).
    virtual void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a,
                      const Tensor& b, double beta, Tensor& c) = 0;

    // --- composites (defaults in core from the primitives above) -------------------------
    // x: (N, in), w: (out, in), b: (out) or null -> y: (N, out) = act(omega * (x w^T + b)).
    // omega only scales for Activation::sine (SIREN); other activations use omega = 1.
    // dact (N, out), when given, receives d y / d(x w^T + b) elementwise, which is all that
    // linear_act_backward needs from the forward pass.
    virtual void linear_act_forward(Activation act, double omega, const Tensor& x,
                                    const Tensor& w, const Tensor* b, Tensor& y, Tensor* dact);
    // g = dy * dact (dact null: identity); dw (out, in) = g^T x; db (out) = column sums of g;
    // dx (N, in) = g w when dx is given. dw and db are overwritten, not accumulated.
    virtual void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                     const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db);
    // loss (scalar) = mean((pred - target)^2); grad, when given, = 2 (pred - target) / numel.
    virtual void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                               Tensor* grad);
    // For each slot: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
    virtual void adam_update(std::span<const AdamSlot> slots, const AdamParams& params);
    virtual void sgd_update(std::span<const SgdSlot> slots, const SgdParams& params);

protected:
    Device() = default;
};

}  // namespace anvil
