// The CPU backend's device (cpu:0) and backend classes. Kernels live in one file per op
// family (elementwise, binary, reduce, gemm, linear composites, loss/optimiser composites);
// this header only declares them.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>

#include "anvil/backend.h"
#include "anvil/device.h"
#include "parallel.h"
#include "workspace.h"

namespace anvil::cpu {

class CpuDevice final : public Device {
public:
    CpuDevice();

    std::string name() const override { return "cpu:0"; }
    std::string description() const override;
    std::string backend_name() const override { return "cpu"; }
    MemoryInfo memory_info() const override;
    bool supports(Op op, DType dtype) const override;

    void* allocate(std::size_t bytes) override;
    void deallocate(void* ptr, std::size_t bytes) noexcept override;
    void copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                        std::size_t bytes) override;
    void copy_to_host(void* dst, const void* src, std::size_t src_offset,
                      std::size_t bytes) override;
    void copy_on_device(void* dst, const void* src, std::size_t bytes) override;
    void synchronize() override {}  // every kernel has finished when it returns

    void fill(Tensor& out, double value) override;
    void unary(UnaryOp op, const Tensor& x, Tensor& out) override;
    void clip(const Tensor& x, double lo, double hi, Tensor& out) override;
    void affine(const Tensor& x, double a, double b, Tensor& out) override;
    void binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                const Tensor& b, Tensor& out) override;
    void reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                Tensor& out) override;
    void argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) override;
    void transpose2d(const Tensor& x, Tensor& out) override;
    void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
              double beta, Tensor& c) override;

    void linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                            const Tensor* b, Tensor& y, Tensor* dact) override;
    void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                             const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) override;
    void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                       Tensor* grad) override;
    void adam_update(std::span<const AdamSlot> slots, const AdamParams& params) override;
    void sgd_update(std::span<const SgdSlot> slots, const SgdParams& params) override;

    // How many times any composite workspace has grown: constant once a training loop's
    // shapes have all been seen (checked by the backend's tests).
    std::size_t workspace_growths() const;

private:
    // Threading of the primitive GEMM (gemm.cpp): K-slices of at least kKSliceMin, row tiles
    // of kGemmTileRows, column tiles of kGemmTileCols, or one call on the calling thread.
    enum class GemmPlan { single, split_k, row_tiles, col_tiles };
    static constexpr Index kKSliceMin = 1024;
    static constexpr Index kGemmTileRows = 256;
    static constexpr Index kGemmTileCols = 256;  // a multiple of every variant's register tile width
    GemmPlan plan_gemm(Index m, Index n, Index k) const;
    template <typename T>
    void gemm_split_k(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
                      const T* b, T beta, T* c);
    template <typename T>
    void gemm_tiles(bool by_rows, bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha,
                    const T* a, const T* b, T beta, T* c);
    template <typename T>
    void gemm_single(bool trans_a, bool trans_b, Index m, Index n, Index k, T alpha, const T* a,
                     const T* b, T beta, T* c);

    // Makes thread_scratch_[0..threads) hold at least `bytes` each (before a parallel
    // region: growing inside one could throw where nothing can catch).
    void reserve_thread_scratch(int threads, std::size_t bytes);

    // Scratch memory of the composite ops, grown on first use and reused by every later
    // call, so a training step allocates nothing: workspace_ for shared arrays, one
    // thread_scratch_ per OpenMP thread for GEMM packing. The mutex keeps two host threads
    // that share this device from using them at once.
    std::mutex workspace_mutex_;
    Workspace workspace_;
    std::array<Workspace, kMaxThreads> thread_scratch_;
};

class CpuBackend final : public Backend {
public:
    std::string name() const override { return "cpu"; }
    std::string description() const override;
    Availability availability() const override { return {true, ""}; }
    int device_count() const override { return 1; }
    int priority() const override { return 50; }

protected:
    std::shared_ptr<Device> create_device(int index) override;
};

// Host facts for descriptions: "AMD EPYC 9R14", "AVX-512", 2.
std::string cpu_model_name();
std::string simd_level();
int thread_count();

}  // namespace anvil::cpu
