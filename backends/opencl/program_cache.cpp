// Entry format (little-endian integers):
//   "ANVILCL1"                  8 bytes of magic
//   key length, binary length   2 x u64
//   checksum                    u64, FNV-1a over the key and the binary
//   key, binary
#include "program_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace anvil::opencl {

namespace {

constexpr char kMagic[8] = {'A', 'N', 'V', 'I', 'L', 'C', 'L', '1'};
constexpr std::size_t kHeaderBytes = 8 + 3 * 8;

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_u64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::uint64_t checksum(const std::string& key, const unsigned char* binary, std::size_t size) {
    return fnv1a64(binary, size, fnv1a64(key.data(), key.size()));
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t seed) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint64_t h = seed;
    for (std::size_t i = 0; i < size; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string hex64(std::uint64_t value) {
    static const char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4) s[static_cast<std::size_t>(i)] = digits[value & 0xf];
    return s;
}

std::filesystem::path ProgramCache::default_dir() {
    if (const char* dir = std::getenv("ANVIL_OPENCL_CACHE_DIR"); dir && *dir)
        return std::string(dir) == "off" ? std::filesystem::path() : std::filesystem::path(dir);
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "anvil" / "opencl";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache" / "anvil" / "opencl";
    return {};
}

std::filesystem::path ProgramCache::file_for(const std::string& key) const {
    return dir_ / (hex64(fnv1a64(key.data(), key.size())) + ".clbin");
}

std::optional<std::vector<unsigned char>> ProgramCache::load(const std::string& key) const {
    if (!enabled()) return std::nullopt;
    std::ifstream in(file_for(key), std::ios::binary);
    if (!in) return std::nullopt;
    const std::vector<unsigned char> file((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    if (file.size() < kHeaderBytes || std::memcmp(file.data(), kMagic, 8) != 0)
        return std::nullopt;
    const std::uint64_t key_size = get_u64(file.data() + 8);
    const std::uint64_t binary_size = get_u64(file.data() + 16);
    const std::uint64_t sum = get_u64(file.data() + 24);
    // Compared by subtraction from what is there, so huge stored lengths cannot overflow.
    const std::size_t rest = file.size() - kHeaderBytes;
    if (key_size != key.size() || key_size > rest || binary_size != rest - key_size ||
        binary_size == 0)
        return std::nullopt;
    const unsigned char* stored_key = file.data() + kHeaderBytes;
    if (std::memcmp(stored_key, key.data(), key.size()) != 0) return std::nullopt;  // stale
    const unsigned char* binary = stored_key + key_size;
    if (checksum(key, binary, binary_size) != sum) return std::nullopt;  // corrupt
    return std::vector<unsigned char>(binary, binary + binary_size);
}

bool ProgramCache::store(const std::string& key, const std::vector<unsigned char>& binary) const {
    if (!enabled() || binary.empty()) return false;
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return false;
    std::string header(kMagic, 8);
    put_u64(header, key.size());
    put_u64(header, binary.size());
    put_u64(header, checksum(key, binary.data(), binary.size()));
    const std::filesystem::path target = file_for(key);
    std::random_device random;
    const std::filesystem::path temp =
        target.string() + ".tmp." + std::to_string(::getpid()) + "." + hex64(random());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        out.write(key.data(), static_cast<std::streamsize>(key.size()));
        out.write(reinterpret_cast<const char*>(binary.data()),
                  static_cast<std::streamsize>(binary.size()));
        out.close();
        if (!out) {
            std::filesystem::remove(temp, ec);
            return false;
        }
    }
    std::filesystem::rename(temp, target, ec);
    if (!ec) return true;
    std::filesystem::remove(temp, ec);
    return false;
}

}  // namespace anvil::opencl
