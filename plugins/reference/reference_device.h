// ReferenceDevice: the one device of the reference backend. Host memory, one thread, plain
// loops; it implements every primitive of anvil::Device and none of the composites (the
// core's defaults build those from these primitives).
#pragma once

#include <string>

#include "anvil/dispatch.h"
#include "anvil/plugin.h"

namespace anvil::reference {

class ReferenceDevice final : public Device {
public:
    std::string name() const override { return "reference:0"; }
    std::string description() const override;
    std::string backend_name() const override { return "reference"; }
    MemoryInfo memory_info() const override;
    bool supports(Op op, DType dtype) const override;

    // memory and transfers (reference_device.cpp)
    void* allocate(std::size_t bytes) override;
    void deallocate(void* ptr, std::size_t bytes) noexcept override;
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
    void binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                const Tensor& b, Tensor& out) override;

    // reduce.cpp
    void reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                Tensor& out) override;
    void argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) override;

    // linalg.cpp
    void transpose2d(const Tensor& x, Tensor& out) override;
    void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a, const Tensor& b,
              double beta, Tensor& c) override;

    // No composite overrides (linear_act_forward, adam_update, ...): the defaults in
    // libanvil_core are complete. A fast backend overrides the ones worth fusing.
};

}  // namespace anvil::reference
