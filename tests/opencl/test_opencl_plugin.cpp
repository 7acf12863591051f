// The built libanvil-opencl.so as an app meets it: registered with its priority, devices named
// opencl:N with truthful capabilities, out-of-memory errors naming the bytes, uploads that
// never read the caller's memory after returning, "unavailable" with the reason where there is
// no runtime or no platform (child processes with OCL_ICD_VENDORS at an empty directory, or
// ANVIL_OPENCL_LIBRARY at a missing file), and the program cache surviving a corrupt entry and
// a binary the driver rejects (child processes of anvil-conformance on a scratch cache).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "anvil/anvil.h"
#include "plugins/run_process.h"
#include "program_cache.h"
#include "support/temp_dir.h"

namespace anvil::opencl {
namespace {

namespace fs = std::filesystem;

Backend* opencl_backend() {
    Registry::instance().load_plugins();
    return Registry::instance().find("opencl");
}

class OpenclPlugin : public ::testing::Test {
protected:
    void SetUp() override {
        Backend* backend = opencl_backend();
        ASSERT_NE(backend, nullptr) << "libanvil-opencl.so did not register";
        if (!backend->availability().available)
            GTEST_SKIP() << "opencl unavailable: " << backend->availability().reason;
        dev_ = backend->device(0);
    }
    std::shared_ptr<Device> dev_;
};

TEST(OpenclRegistration, RegistersBelowCpuAndCuda) {
    Backend* backend = opencl_backend();
    ASSERT_NE(backend, nullptr);
    EXPECT_EQ(backend->name(), "opencl");
    EXPECT_EQ(backend->priority(), 10);
    if (Backend* cpu = Registry::instance().find("cpu")) {
        EXPECT_LT(backend->priority(), cpu->priority());
    }
}

TEST_F(OpenclPlugin, DescribesTheDeviceAndReportsF64Truthfully) {
    EXPECT_EQ(dev_->name(), "opencl:0");
    EXPECT_EQ(dev_->backend_name(), "opencl");
    const std::string d = dev_->description();
    EXPECT_NE(d.find("compute units"), std::string::npos) << d;
    EXPECT_NE(d.find("driver"), std::string::npos) << d;
    EXPECT_NE(d.find("program cache"), std::string::npos) << d;
    const bool fp64 = d.find(", fp64") != std::string::npos;
    EXPECT_EQ(dev_->supports(Op::sin, DType::f64), fp64) << d;
    EXPECT_TRUE(dev_->supports(Op::sin, DType::f32));
    EXPECT_TRUE(dev_->supports(Op::fill, DType::i64));
    EXPECT_FALSE(dev_->supports(Op::sin, DType::i64));
    EXPECT_GT(dev_->memory_info().total_bytes, 0u);
}

// What a user sees: anvil-info lists the backend as available with its device, and the load
// report shows the plugin like the others.
TEST_F(OpenclPlugin, InfoListsTheBackendAndItsDevices) {
    const ProcessResult r = run_process({ANVIL_INFO_BINARY});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("libanvil-opencl.so  -> opencl"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nopencl  available"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  opencl:0  " + dev_->description()), std::string::npos) << r.out;
}

TEST_F(OpenclPlugin, OutOfMemoryNamesTheBytes) {
    const std::size_t too_many = dev_->memory_info().total_bytes + (std::size_t{1} << 30);
    try {
        Tensor::empty(Shape{static_cast<std::int64_t>(too_many / 4)}, DType::f32, dev_);
        FAIL() << "allocating " << too_many << " bytes succeeded";
    } catch (const OutOfMemoryError& e) {
        EXPECT_EQ(e.requested_bytes(), too_many / 4 * 4);
        const std::string m = e.what();
        EXPECT_EQ(m.rfind("[allocate] out of memory on opencl:0: cannot allocate ", 0), 0u) << m;
        EXPECT_NE(m.find(std::to_string(too_many / 4 * 4) + " bytes"), std::string::npos) << m;
    }
    // Memory is accounted: a live tensor lowers the free figure by its size.
    const std::size_t before = dev_->memory_info().free_bytes;
    {
        const Tensor t = Tensor::empty(Shape{1 << 20}, DType::f32, dev_);
        EXPECT_EQ(dev_->memory_info().free_bytes, before - (std::size_t{4} << 20));
    }
    EXPECT_EQ(dev_->memory_info().free_bytes, before);
}

// An upload queued behind slow work returns before the device reads it; the caller then
// overwrites and frees its buffer. The device must still get the values of the call.
TEST_F(OpenclPlugin, UploadsNeverReadTheCallersMemoryLater) {
    const Tensor a = Tensor::full(Shape{512, 512}, DType::f32, dev_, 1.0);
    Tensor c = Tensor::empty(Shape{512, 512}, DType::f32, dev_);
    Tensor dst = Tensor::empty(Shape{4096}, DType::f32, dev_);
    for (int round = 0; round < 3; ++round) {
        anvil::gemm(false, false, 1.0, a, a, 0.0, c);  // keeps the queue busy
        auto host = std::make_unique<std::vector<float>>(4096, static_cast<float>(round + 1));
        dst.upload(*host);
        std::fill(host->begin(), host->end(), -7.0f);
        host.reset();
        EXPECT_EQ(dst.to_vector<float>(), std::vector<float>(4096, static_cast<float>(round + 1)));
    }
    EXPECT_EQ(c.to_vector<float>(0, 1), std::vector<float>{512.0f});
}

TEST_F(OpenclPlugin, PartialReadsAndUploadsUseOffsets) {
    Tensor t = Tensor::from_vector(std::vector<double>{0, 1, 2, 3, 4, 5}, Shape{2, 3}, dev_);
    t.upload_range(3, std::vector<double>{-1, -2});
    EXPECT_EQ(t.to_vector<double>(2, 3), (std::vector<double>{2, -1, -2}));
    EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{0, 1, 2, -1, -2, 5}));
}

// --- child processes -----------------------------------------------------------------------

// anvil-info's whole report (load report and backends); it succeeds with a backend unavailable.
std::string info_output(const std::map<std::string, std::optional<std::string>>& env) {
    const ProcessResult r = run_process({ANVIL_INFO_BINARY}, env);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out + r.err;
}

TEST(OpenclUnavailable, NoPlatformIsReportedWithTheReason) {
    test::TempDir empty;
    const std::string out = info_output({{"OCL_ICD_VENDORS", empty.path()}});
    EXPECT_NE(out.find("opencl  UNAVAILABLE: no OpenCL platform found (clGetPlatformIDs"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("pocl-opencl-icd"), std::string::npos) << out;
}

TEST(OpenclUnavailable, NoRuntimeIsReportedWithTheReason) {
    const std::string out =
        info_output({{"ANVIL_OPENCL_LIBRARY", "/nonexistent/libOpenCL.so.1"}});
    EXPECT_NE(out.find("opencl  UNAVAILABLE: no OpenCL runtime: cannot load "
                       "/nonexistent/libOpenCL.so.1"),
              std::string::npos)
        << out;
    // The plugin itself loaded: the load report lists it as loaded.
    EXPECT_NE(out.find("libanvil-opencl.so  -> opencl"), std::string::npos) << out;
}

TEST(OpenclUnavailable, SirenRefusesWithTheReason) {
    test::TempDir empty, out;
    const ProcessResult r =
        run_process({ANVIL_SIREN_BINARY, "--backend", "opencl", "--image", ANVIL_SAMPLE_IMAGE,
                     "--out", out.path(), "--steps", "1"},
                    {{"OCL_ICD_VENDORS", empty.path()}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("no OpenCL platform found"), std::string::npos) << r.err;
}

// The program cache across processes: stored on the first start, loaded on the second; a
// corrupt entry or a binary the driver rejects is rebuilt from source (and replaced), and the
// ops still compute correctly every time.
class OpenclProgramCache : public OpenclPlugin {
protected:
    ProcessResult run_ops() {
        return run_process({ANVIL_CONFORMANCE_BINARY, "--backend", "opencl",
                            "--gtest_filter=Sin.*:Gemm.*:Sum.*"},
                           {{"ANVIL_OPENCL_CACHE_DIR", cache_.path()},
                            {"ANVIL_OPENCL_VERBOSE", "1"}});
    }
    std::vector<fs::path> entries() const {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(cache_.path())) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        return files;
    }
    static std::string first_line_with(const std::string& text, const std::string& what) {
        const std::size_t at = text.find(what);
        if (at == std::string::npos) return "";
        const std::size_t begin = text.rfind('\n', at) + 1;
        return text.substr(begin, text.find('\n', at) - begin);
    }
    test::TempDir cache_;
};

TEST_F(OpenclProgramCache, StoresLoadsAndRebuildsBadEntries) {
    ProcessResult r = run_ops();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("program compiled from source"), std::string::npos) << r.err;
    const std::vector<fs::path> files = entries();
    ASSERT_FALSE(files.empty()) << r.err;

    r = run_ops();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err.find("compiled from source"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("program loaded from " + files[0].string()), std::string::npos) << r.err;

    // One flipped byte in the middle of the binary: a checksum mismatch, rebuilt.
    const fs::path entry = files[0];
    std::vector<char> bytes;
    {
        std::ifstream in(entry, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<char> corrupt = bytes;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    std::ofstream(entry, std::ios::binary | std::ios::trunc).write(corrupt.data(), static_cast<std::streamsize>(corrupt.size()));
    r = run_ops();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(first_line_with(r.err, entry.string()).find("compiled from source"),
              std::string::npos)
        << r.err;

    // An intact entry whose binary is garbage (what a changed driver could leave): the key and
    // checksum match, the driver refuses it, and it is rebuilt and replaced.
    const std::string key(bytes.begin() + 32,
                          bytes.begin() + 32 + static_cast<long>(bytes[8] & 0xff) +
                              256 * static_cast<long>(bytes[9] & 0xff));
    const ProgramCache cache(cache_.path());
    ASSERT_EQ(cache.file_for(key), entry) << "the entry's key did not parse";
    ASSERT_TRUE(cache.store(key, std::vector<unsigned char>(4096, 0xab)));
    r = run_ops();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // Not "no intact entry": the entry was intact, and the driver's refusal is named.
    const std::string line = first_line_with(r.err, entry.string());
    EXPECT_NE(line.find("compiled from source"), std::string::npos) << r.err;
    EXPECT_EQ(line.find("no intact entry"), std::string::npos) << r.err;
    EXPECT_NE(line.find(" failed: CL_"), std::string::npos) << r.err;
    const auto rebuilt = cache.load(key);
    ASSERT_TRUE(rebuilt.has_value());
    EXPECT_NE(*rebuilt, std::vector<unsigned char>(4096, 0xab));
}

}  // namespace
}  // namespace anvil::opencl
