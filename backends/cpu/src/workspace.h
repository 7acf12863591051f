// Aligned host memory for the CPU backend: the allocator behind Device::allocate and the
// grow-only scratch workspace that the composite ops reuse across training steps.
#pragma once

#include <cstddef>

namespace anvil::cpu {

// Every buffer starts on a 64-byte boundary (one cache line, one AVX-512 register).
inline constexpr std::size_t kAlignment = 64;

inline constexpr std::size_t round_up(std::size_t bytes) {
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

// Throws OutOfMemoryError "[cpu] cannot allocate ..." naming the bytes when the host refuses.
void* aligned_allocate(std::size_t bytes, const char* what);
void aligned_free(void* ptr) noexcept;

// Offsets of several arrays packed into one workspace, each 64-byte aligned.
class WorkspaceLayout {
public:
    template <typename T> std::size_t add(std::size_t count) {
        const std::size_t offset = bytes_;
        bytes_ += round_up(count * sizeof(T));
        return offset;
    }
    std::size_t bytes() const { return bytes_; }

private:
    std::size_t bytes_ = 0;
};

// Grow-only scratch memory. reserve() reallocates only when a call needs more than any
// earlier one, so steady-state training never reaches the allocator.
class Workspace {
public:
    Workspace() = default;
    ~Workspace() { aligned_free(data_); }
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    // Returns at least `bytes` of 64-byte aligned memory; contents are unspecified.
    std::byte* reserve(std::size_t bytes);
    template <typename T> T* at(std::size_t offset) const {
        return reinterpret_cast<T*>(data_ + offset);
    }
    std::byte* data() const { return data_; }
    std::size_t capacity() const { return capacity_; }
    std::size_t growth_count() const { return growths_; }

private:
    std::byte* data_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t growths_ = 0;
};

}  // namespace anvil::cpu
