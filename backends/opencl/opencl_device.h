// OpenclDevice: one OpenCL device. It owns a context and one in-order command queue on which
// all of its work is queued; only host reads (copy_to_host) and synchronize() wait. Its memory
// handles are cl_mem objects, opaque to the core (Tensor::data() returns the cl_mem as void*):
// every offset travels beside the handle into the OpenCL call, never as pointer arithmetic.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "anvil/plugin.h"
#include "cl_api.h"
#include "platform.h"
#include "programs.h"

namespace anvil::opencl {

// A kernel argument: a buffer handle, or a scalar passed by value.
inline cl_mem mem(const Tensor& t) { return static_cast<cl_mem>(t.data()); }
inline cl_mem mem(const Tensor* t) { return t ? mem(*t) : nullptr; }

class OpenclDevice final : public Device {
public:
    OpenclDevice(int index, const DeviceInfo& info);
    ~OpenclDevice() override;
    OpenclDevice(const OpenclDevice&) = delete;
    OpenclDevice& operator=(const OpenclDevice&) = delete;

    std::string name() const override { return name_; }
    std::string description() const override;
    std::string backend_name() const override { return "opencl"; }
    MemoryInfo memory_info() const override;
    bool supports(Op op, DType dtype) const override;

    // opencl_memory.cpp
    void* allocate(std::size_t bytes) override;
    void deallocate(void* handle, std::size_t bytes) noexcept override;
    void copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                        std::size_t bytes) override;
    void copy_to_host(void* dst, const void* src, std::size_t src_offset,
                      std::size_t bytes) override;
    void copy_on_device(void* dst, const void* src, std::size_t bytes) override;
    void synchronize() override;

    // elementwise.cpp
    void fill(Tensor& out, double value) override;
    void unary(UnaryOp op, const Tensor& x, Tensor& out) override;
    void clip(const Tensor& x, double lo, double hi, Tensor& out) override;
    void affine(const Tensor& x, double a, double b, Tensor& out) override;
    void binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a, const Tensor& b,
                Tensor& out) override;
    void transpose2d(const Tensor& x, Tensor& out) override;

    // reduce.cpp
    void reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                Tensor& out) override;
    void argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) override;

    // gemm.cpp
    void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
              double beta, Tensor& c) override;

    // composites.cpp
    void linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                            const Tensor* b, Tensor& y, Tensor* dact) override;
    void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                             const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) override;
    void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                       Tensor* grad) override;
    void adam_update(std::span<const AdamSlot> slots, const AdamParams& params) override;

    // --- for the op files ---------------------------------------------------------------
    // Queues kernel `name` of the dtype's program over `global` work-items (rounded up to
    // whole work-groups; `local` 0 picks 256 or the kernel's limit) with `args` set in order.
    // Nothing is queued for global == 0.
    template <typename... Args>
    void run(const char* op, DType dtype, const char* name, std::size_t global, std::size_t local,
             const Args&... args);
    // The same in `dims` (2 or 3) dimensions with a fixed work-group (tiled kernels).
    template <typename... Args>
    void run_nd(const char* op, DType dtype, const char* name, cl_uint dims,
                const std::size_t* global, const std::size_t* local, const Args&... args);
    // c = alpha op(a) op(b) + beta c on buffers, row-major (gemm.cpp).
    void gemm_buffers(const char* op, DType dtype, bool trans_a, bool trans_b, std::int64_t m,
                      std::int64_t n, std::int64_t k, double alpha, cl_mem a, cl_mem b,
                      double beta, cl_mem c);
    // x: (rows, cols) -> out: (cols, rows) on buffers (elementwise.cpp).
    void transpose_buffers(const char* op, DType dtype, cl_mem x, cl_mem out, std::int64_t rows,
                           std::int64_t cols);
    // Reduction of `kind` over x's geometry into out, dividing by `divisor` when `divide`
    // (reduce.cpp; also the bias gradient's column sums and the MSE's final sum).
    void reduce_buffers(const char* op, DType dtype, int kind, const ReduceGeometry& g, cl_mem x,
                        cl_mem out, bool divide, double divisor);
    const DeviceInfo& info() const { return info_; }

private:
    const KernelHandle& prepare(const char* op, DType dtype, const char* name);
    void enqueue(const char* op, const char* name, const KernelHandle& k, cl_uint dims,
                 const std::size_t* global, const std::size_t* local);
    // Frees the host copies of uploads the queue has finished reading; all of them when
    // `all` (after the queue was drained).
    void release_staging(bool all);

    int index_;
    std::string name_;
    const DeviceInfo& info_;
    cl_context context_ = nullptr;
    cl_command_queue queue_ = nullptr;
    std::unique_ptr<Programs> programs_;
    // GEMM kernel: gemm_vector on CPU devices, gemm_tiled elsewhere; ANVIL_OPENCL_GEMM=tiled or
    // =vector picks one (the tests run both on PoCL).
    bool vector_gemm_ = false;
    std::atomic<std::size_t> live_bytes_{0};
    // Uploads are asynchronous: the host data is copied first into a block owned here, which
    // lives until its write has completed (the OpenCL rule for non-blocking writes).
    struct Staged {
        cl_event done = nullptr;
        std::unique_ptr<unsigned char[]> data;
        std::size_t bytes = 0;
    };
    std::vector<Staged> staged_;
    std::size_t staged_bytes_ = 0;
};

// --- argument setting ---------------------------------------------------------------------
namespace detail {
void set_kernel_arg(cl_kernel kernel, cl_uint index, std::size_t size, const void* value,
                    const char* op, const char* name);
}  // namespace detail

template <typename... Args>
void OpenclDevice::run(const char* op, DType dtype, const char* name, std::size_t global,
                       std::size_t local, const Args&... args) {
    if (global == 0) return;
    const KernelHandle& k = prepare(op, dtype, name);
    cl_uint index = 0;
    (detail::set_kernel_arg(k.kernel, index++, sizeof(Args), &args, op, name), ...);
    if (local == 0) local = k.max_work_group < 256 ? k.max_work_group : 256;
    const std::size_t rounded = (global + local - 1) / local * local;
    enqueue(op, name, k, 1, &rounded, &local);
}

template <typename... Args>
void OpenclDevice::run_nd(const char* op, DType dtype, const char* name, cl_uint dims,
                          const std::size_t* global, const std::size_t* local,
                          const Args&... args) {
    std::size_t rounded[3] = {1, 1, 1};
    for (cl_uint d = 0; d < dims; ++d) {
        if (global[d] == 0) return;
        rounded[d] = (global[d] + local[d] - 1) / local[d] * local[d];
    }
    const KernelHandle& k = prepare(op, dtype, name);
    cl_uint index = 0;
    (detail::set_kernel_arg(k.kernel, index++, sizeof(Args), &args, op, name), ...);
    enqueue(op, name, k, dims, rounded, local);
}

}  // namespace anvil::opencl
