// The program cache's file handling, on the host (no OpenCL): an entry round-trips; a flipped
// byte, a truncated file, another key stored under the same name (stale), a wrong magic or an
// empty binary are misses, never trusted; a directory that cannot be written only means
// nothing is stored; the environment picks the directory.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "program_cache.h"
#include "support/temp_dir.h"

namespace anvil::opencl {
namespace {

namespace fs = std::filesystem;

const std::string kKey = "device: test | driver 1\nsource: 0123\n";
const std::vector<unsigned char> kBinary = {1, 2, 3, 4, 5, 250, 0, 7};

std::vector<char> read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_all(const fs::path& path, const std::vector<char>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class ProgramCacheTest : public ::testing::Test {
protected:
    test::TempDir dir_;
    ProgramCache cache_{fs::path(dir_.path()) / "nested" / "cache"};
};

TEST_F(ProgramCacheTest, StoresAndLoadsAnEntry) {
    EXPECT_FALSE(cache_.load(kKey));
    ASSERT_TRUE(cache_.store(kKey, kBinary));
    EXPECT_TRUE(fs::exists(cache_.file_for(kKey)));
    EXPECT_EQ(cache_.load(kKey), kBinary);
    // Overwriting replaces the entry; no temporary file is left behind.
    const std::vector<unsigned char> other = {9, 9};
    ASSERT_TRUE(cache_.store(kKey, other));
    EXPECT_EQ(cache_.load(kKey), other);
    EXPECT_EQ(std::distance(fs::directory_iterator(cache_.dir()), fs::directory_iterator()), 1);
}

TEST_F(ProgramCacheTest, EveryCorruptedByteIsAMiss) {
    ASSERT_TRUE(cache_.store(kKey, kBinary));
    const fs::path file = cache_.file_for(kKey);
    const std::vector<char> good = read_all(file);
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::vector<char> bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        write_all(file, bad);
        EXPECT_FALSE(cache_.load(kKey)) << "byte " << i << " of " << good.size();
    }
    write_all(file, good);
    EXPECT_EQ(cache_.load(kKey), kBinary);
}

TEST_F(ProgramCacheTest, TruncatedOrExtendedFilesAreMisses) {
    ASSERT_TRUE(cache_.store(kKey, kBinary));
    const fs::path file = cache_.file_for(kKey);
    const std::vector<char> good = read_all(file);
    for (std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{31}, good.size() - 1}) {
        write_all(file, std::vector<char>(good.begin(), good.begin() + static_cast<long>(size)));
        EXPECT_FALSE(cache_.load(kKey)) << size << " bytes";
    }
    std::vector<char> longer = good;
    longer.push_back('x');
    write_all(file, longer);
    EXPECT_FALSE(cache_.load(kKey));
}

TEST_F(ProgramCacheTest, AnotherKeyUnderTheSameNameIsStale) {
    // Another key's intact entry copied to this key's file name (a hash collision, or a file
    // renamed by hand): the full key is compared, so it is a miss.
    const std::string other = kKey + "driver: 2\n";
    ASSERT_TRUE(cache_.store(other, kBinary));
    fs::copy_file(cache_.file_for(other), cache_.file_for(kKey));
    EXPECT_FALSE(cache_.load(kKey));
    EXPECT_EQ(cache_.load(other), kBinary);
}

TEST_F(ProgramCacheTest, EmptyBinariesAreNeitherStoredNorLoaded) {
    EXPECT_FALSE(cache_.store(kKey, {}));
    EXPECT_FALSE(fs::exists(cache_.file_for(kKey)));
}

TEST_F(ProgramCacheTest, UnwritableDirectoryStoresNothing) {
    if (::geteuid() == 0) {
        // root writes anywhere: use a path below a regular file instead.
        write_all(fs::path(dir_.path()) / "file", {'x'});
        const ProgramCache below_file(fs::path(dir_.path()) / "file" / "cache");
        EXPECT_FALSE(below_file.store(kKey, kBinary));
        EXPECT_FALSE(below_file.load(kKey));
        return;
    }
    fs::create_directories(cache_.dir());
    ::chmod(cache_.dir().c_str(), 0500);
    EXPECT_FALSE(cache_.store(kKey, kBinary));
    EXPECT_FALSE(cache_.load(kKey));
}

TEST(ProgramCacheDirectory, ComesFromTheEnvironment) {
    const auto set = [](const char* name, const char* value) {
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    };
    set("ANVIL_OPENCL_CACHE_DIR", "/tmp/explicit");
    EXPECT_EQ(ProgramCache::default_dir(), fs::path("/tmp/explicit"));
    set("ANVIL_OPENCL_CACHE_DIR", "off");
    EXPECT_TRUE(ProgramCache::default_dir().empty());
    EXPECT_FALSE(ProgramCache(ProgramCache::default_dir()).store(kKey, kBinary));
    set("ANVIL_OPENCL_CACHE_DIR", nullptr);
    set("XDG_CACHE_HOME", "/tmp/xdg");
    EXPECT_EQ(ProgramCache::default_dir(), fs::path("/tmp/xdg/anvil/opencl"));
    set("XDG_CACHE_HOME", nullptr);
    set("HOME", "/home/someone");
    EXPECT_EQ(ProgramCache::default_dir(), fs::path("/home/someone/.cache/anvil/opencl"));
}

TEST(ProgramCacheHash, IsFnv1a64) {
    // FNV-1a 64 test vectors (the empty string and "a").
    EXPECT_EQ(hex64(fnv1a64("", 0)), "cbf29ce484222325");
    EXPECT_EQ(hex64(fnv1a64("a", 1)), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace anvil::opencl
