// Host memory of the CPU backend: 64-byte aligned allocation, byte copies (parallel when
// large), the scratch workspace, and memory_info from /proc/meminfo.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "cpu_device.h"
#include "parallel.h"

namespace anvil::cpu {

void* aligned_allocate(std::size_t bytes, const char* what) {
    if (bytes == 0) return nullptr;
    // round_up would wrap around for requests within one alignment of SIZE_MAX.
    void* ptr = bytes > SIZE_MAX - kAlignment ? nullptr
                                              : std::aligned_alloc(kAlignment, round_up(bytes));
    if (!ptr)
        throw OutOfMemoryError(std::string("[cpu] cannot allocate ") + format_bytes(bytes) +
                                   " (" + std::to_string(bytes) + " bytes) for " + what +
                                   "; free host memory: see /proc/meminfo",
                               bytes);
    return ptr;
}

void aligned_free(void* ptr) noexcept { std::free(ptr); }

std::byte* Workspace::reserve(std::size_t bytes) {
    if (bytes <= capacity_) return data_;
    auto* grown = static_cast<std::byte*>(aligned_allocate(bytes, "the composite-op workspace"));
    aligned_free(data_);
    data_ = grown;
    capacity_ = bytes;
    ++growths_;
    return data_;
}

namespace {
// Large copies are split across threads: one core cannot saturate memory bandwidth.
void parallel_copy(void* dst, const void* src, std::size_t bytes) {
    if (bytes == 0 || dst == src) return;
    constexpr Index kCopyGrain = 1 << 20;
    parallel_ranges(static_cast<Index>(bytes), kCopyGrain, [&](Index begin, Index end, int) {
        std::memcpy(static_cast<char*>(dst) + begin, static_cast<const char*>(src) + begin,
                    static_cast<std::size_t>(end - begin));
    }, kElementAlign);
}

// Reads one "Key:   123 kB" line of /proc/meminfo; 0 when absent.
std::size_t meminfo_bytes(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) != 0) continue;
        std::istringstream fields(line.substr(key.size() + 1));
        std::size_t kib = 0;
        fields >> kib;
        return kib * 1024;
    }
    return 0;
}
}  // namespace

std::size_t CpuDevice::workspace_growths() const {
    std::size_t total = workspace_.growth_count();
    for (const Workspace& w : thread_scratch_) total += w.growth_count();
    return total;
}

void* CpuDevice::allocate(std::size_t bytes) { return aligned_allocate(bytes, "a tensor"); }

void CpuDevice::deallocate(void* ptr, std::size_t) noexcept { aligned_free(ptr); }

// Handles are addresses here, so an offset is pointer arithmetic inside the backend.
void CpuDevice::copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                               std::size_t bytes) {
    parallel_copy(static_cast<std::byte*>(dst) + dst_offset, src, bytes);
}
void CpuDevice::copy_to_host(void* dst, const void* src, std::size_t src_offset,
                             std::size_t bytes) {
    parallel_copy(dst, static_cast<const std::byte*>(src) + src_offset, bytes);
}
void CpuDevice::copy_on_device(void* dst, const void* src, std::size_t bytes) {
    parallel_copy(dst, src, bytes);
}

MemoryInfo CpuDevice::memory_info() const {
    std::ifstream file("/proc/meminfo");
    std::stringstream text;
    text << file.rdbuf();
    MemoryInfo info;
    info.total_bytes = meminfo_bytes(text.str(), "MemTotal");
    info.free_bytes = meminfo_bytes(text.str(), "MemAvailable");
    if (info.free_bytes == 0) info.free_bytes = meminfo_bytes(text.str(), "MemFree");
    return info;
}

}  // namespace anvil::cpu
