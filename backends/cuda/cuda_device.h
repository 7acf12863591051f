// CudaDevice: one NVIDIA GPU. It owns one non-blocking stream on which all of its work is
// queued in order, a cuBLAS handle bound to that stream, and allocates from the GPU's
// stream-ordered memory pool. Only host reads (copy_to_host), uploads from pageable memory
// and synchronize() wait, and every op when ANVIL_CUDA_SYNC=1.
#pragma once

#include <cstdint>
#include <string>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "anvil/plugin.h"
#include "launch.h"

namespace anvil::cuda {

class CudaDevice final : public Device {
public:
    explicit CudaDevice(int index);
    ~CudaDevice() override;
    CudaDevice(const CudaDevice&) = delete;
    CudaDevice& operator=(const CudaDevice&) = delete;

    std::string name() const override { return name_; }
    std::string description() const override { return description_; }
    std::string backend_name() const override { return "cuda"; }
    MemoryInfo memory_info() const override;
    bool supports(Op op, DType dtype) const override;

    void* allocate(std::size_t bytes) override;
    void deallocate(void* ptr, std::size_t bytes) noexcept override;
    void copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                        std::size_t bytes) override;
    void copy_to_host(void* dst, const void* src, std::size_t src_offset,
                      std::size_t bytes) override;
    void copy_on_device(void* dst, const void* src, std::size_t bytes) override;
    void synchronize() override;
    // For the nccl communicator (cuda_interop.h): the stream all of this device's work is on.
    cudaStream_t stream() const { return ctx_.stream; }
    int index() const { return index_; }

    // cuda_primitives.cpp
    void fill(Tensor& out, double value) override;
    void unary(UnaryOp op, const Tensor& x, Tensor& out) override;
    void clip(const Tensor& x, double lo, double hi, Tensor& out) override;
    void affine(const Tensor& x, double a, double b, Tensor& out) override;
    void binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a, const Tensor& b,
                Tensor& out) override;
    void reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                Tensor& out) override;
    void argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) override;
    void transpose2d(const Tensor& x, Tensor& out) override;

    // cuda_gemm.cpp
    void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
              double beta, Tensor& c) override;

    // cuda_composites.cpp
    void linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                            const Tensor* b, Tensor& y, Tensor* dact) override;
    void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                             const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) override;
    void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                       Tensor* grad) override;
    void adam_update(std::span<const AdamSlot> slots, const AdamParams& params) override;
    void sgd_update(std::span<const SgdSlot> slots, const SgdParams& params) override;

private:
    // Makes this GPU current for the calling thread: kernel launches, cuBLAS and the memory
    // calls all act on the current device. Returns the launch context.
    const KernelContext& activate(const char* op) const;
    // The end of every op that queues work. With ANVIL_CUDA_SYNC=1 it waits for the stream, so
    // that a fault inside one of the op's kernels is reported by this op ("[op] ..."), not by
    // whichever call waits next; otherwise it does nothing.
    void finish(const char* op);
    // Row-major c (m, n) = alpha op(a) op(b) + beta c on raw pointers of `dtype` (cuda_gemm.cpp).
    void gemm_rows(const char* op, DType dtype, bool trans_a, bool trans_b, std::int64_t m,
                   std::int64_t n, std::int64_t k, double alpha, const void* a, const void* b,
                   double beta, void* c);
    // A device vector of at least n ones of `dtype` (f32 or f64), kept for reuse (column sums
    // as GEMMs).
    const void* ones(DType dtype, std::int64_t n);

    int index_;
    std::string name_;
    std::string description_;
    KernelContext ctx_;
    cublasHandle_t cublas_ = nullptr;
    bool tf32_ = false;      // ANVIL_CUDA_TF32=1: f32 GEMMs on TF32 tensor cores
    bool sync_ops_ = false;  // ANVIL_CUDA_SYNC=1: every op waits for its work (finish)
    // One ones vector per dtype, [0] f32 and [1] f64, so that alternating dtypes (an f64
    // model next to an f32 one) reuses both instead of reallocating at every switch.
    struct Ones {
        void* data = nullptr;
        std::int64_t count = 0;
    };
    Ones ones_[2];
};

}  // namespace anvil::cuda
