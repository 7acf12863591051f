// The on-disk cache of built OpenCL programs, so that only the first start on a machine pays
// for compiling the kernels. An entry is one file named by a hash of its key; the key names the
// device, its driver, the platform, the build options and a hash of the source, so a new driver
// or a changed kernel never meets an old binary. Every entry is checked before use (magic, the
// full key, lengths, a checksum of the contents); anything that fails is a miss, and the caller
// rebuilds from source and stores the new binary over it. Never trusted, never fatal: a cache
// that cannot be read or written only costs a compile.
// Pure file I/O (no OpenCL), so tests/opencl checks it on any machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace anvil::opencl {

// FNV-1a, 64 bits: the source hash and file names (not a defence against tampering: entries
// are files of the user's own cache directory).
std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string hex64(std::uint64_t value);

class ProgramCache {
public:
    // `dir` empty: disabled (every lookup misses, nothing is stored).
    explicit ProgramCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // The directory from the environment: ANVIL_OPENCL_CACHE_DIR (the value "off" disables the
    // cache), else $XDG_CACHE_HOME/anvil/opencl, else $HOME/.cache/anvil/opencl; empty when
    // none of them is set.
    static std::filesystem::path default_dir();

    const std::filesystem::path& dir() const { return dir_; }
    bool enabled() const { return !dir_.empty(); }
    std::filesystem::path file_for(const std::string& key) const;

    // The stored binary for `key`, or nothing when there is none or the entry is not intact.
    std::optional<std::vector<unsigned char>> load(const std::string& key) const;
    // Writes the entry atomically (a temporary file renamed over the old one), so concurrent
    // processes never see half a file. Returns false when it could not be written.
    bool store(const std::string& key, const std::vector<unsigned char>& binary) const;

private:
    std::filesystem::path dir_;
};

}  // namespace anvil::opencl
