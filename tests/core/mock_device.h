// A host-memory Device for testing the core's own logic: tensor lifetime (it counts live
// allocations, so a test sees a buffer returned when its last view dies), host transfers,
// validation and device mixing. It declares a chosen set of floating dtypes. Memory, transfers
// and fill work; every compute kernel records the call and throws instead, because the tests
// that use this device check that validation refuses a call before any kernel runs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/tensor.h"

namespace anvil {

class MockDevice final : public Device {
public:
    explicit MockDevice(std::string name = "mock:0",
                        std::vector<DType> floating = {DType::f32, DType::f64})
        : name_(std::move(name)), floating_(std::move(floating)) {}

    std::string name() const override { return name_; }
    std::string description() const override { return "host memory, no kernels (tests)"; }
    std::string backend_name() const override { return "mock"; }
    MemoryInfo memory_info() const override { return {kCapacity, kCapacity - live_bytes_}; }

    // i64 only moves data (fill, copy), as the DType contract says.
    bool supports(Op op, DType dtype) const override {
        if (dtype == DType::i64) return op == Op::fill || op == Op::copy;
        return std::find(floating_.begin(), floating_.end(), dtype) != floating_.end();
    }

    void* allocate(std::size_t bytes) override {
        if (bytes > kCapacity - live_bytes_)
            throw OutOfMemoryError("[mock] cannot allocate " + format_bytes(bytes), bytes);
        ++live_allocations_;
        live_bytes_ += bytes;
        return bytes ? ::operator new(bytes) : nullptr;
    }
    void deallocate(void* ptr, std::size_t bytes) noexcept override {
        --live_allocations_;
        live_bytes_ -= bytes;
        ::operator delete(ptr);
    }
    void copy_from_host(void* dst, std::size_t dst_offset, const void* src, std::size_t bytes) override {
        std::memcpy(static_cast<char*>(dst) + dst_offset, src, bytes);
    }
    void copy_to_host(void* dst, const void* src, std::size_t src_offset, std::size_t bytes) override {
        std::memcpy(dst, static_cast<const char*>(src) + src_offset, bytes);
    }
    void copy_on_device(void* dst, const void* src, std::size_t bytes) override { std::memmove(dst, src, bytes); }
    void synchronize() override {}  // host memory: nothing is ever queued

    void fill(Tensor& out, double value) override {
        switch (out.dtype()) {
            case DType::f32: std::fill_n(out.data_as<float>(), out.numel(), static_cast<float>(value)); break;
            case DType::f64: std::fill_n(out.data_as<double>(), out.numel(), value); break;
            case DType::i64:
                std::fill_n(out.data_as<std::int64_t>(), out.numel(), static_cast<std::int64_t>(value));
                break;
        }
    }

    void unary(UnaryOp, const Tensor&, Tensor&) override { refuse("unary"); }
    void clip(const Tensor&, double, double, Tensor&) override { refuse("clip"); }
    void affine(const Tensor&, double, double, Tensor&) override { refuse("affine"); }
    void binary(BinaryOp, const BroadcastGeometry&, const Tensor&, const Tensor&, Tensor&) override {
        refuse("binary");
    }
    void reduce(ReduceOp, const ReduceGeometry&, const Tensor&, Tensor&) override { refuse("reduce"); }
    void argmax(const ReduceGeometry&, const Tensor&, Tensor&) override { refuse("argmax"); }
    void transpose2d(const Tensor&, Tensor&) override { refuse("transpose2d"); }
    void gemm(bool, bool, double, const Tensor&, const Tensor&, double, Tensor&) override { refuse("gemm"); }

    int live_allocations() const { return live_allocations_; }
    std::size_t live_bytes() const { return live_bytes_; }
    int kernel_calls() const { return kernel_calls_; }

    static constexpr std::size_t kCapacity = std::size_t(1) << 30;

private:
    [[noreturn]] void refuse(const char* kernel) {
        ++kernel_calls_;
        throw Error(std::string("[mock] kernel ") + kernel +
                    " reached: the core's validation should have refused this call");
    }

    std::string name_;
    std::vector<DType> floating_;
    int live_allocations_ = 0;
    std::size_t live_bytes_ = 0;
    int kernel_calls_ = 0;
};

}  // namespace anvil
