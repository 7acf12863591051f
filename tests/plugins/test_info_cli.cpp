// anvil-info run as a user would: against the broken-plugin case directories, an empty or
// wrong --plugin-dir, and a "bare install" (a copy of libanvil_core.so with no plugin
// directory next to it, so that nothing at all loads). Messages and exit codes are checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "run_process.h"

namespace anvil {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using nlohmann::json;

std::string case_dir(const std::string& name) { return std::string(ANVIL_TEST_CASES) + "/" + name; }

class InfoCli : public ::testing::Test {
protected:
    // A directory holding only a copy of libanvil_core.so: run through LD_LIBRARY_PATH (which
    // wins over anvil-info's RUNPATH), its default plugin directory <bare>/anvil is missing.
    static void SetUpTestSuite() {
        std::string pattern = (fs::temp_directory_path() / "anvil-bare-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        bare_ = pattern;
        fs::copy_file(ANVIL_CORE_LIB, fs::path(bare_) / ANVIL_CORE_SONAME);
    }
    static void TearDownTestSuite() { fs::remove_all(bare_); }

    // Runs anvil-info with `args`; `bare` uses the core copy with no plugins beside it.
    static ProcessResult info(std::vector<std::string> args, bool bare = true,
                              std::optional<std::string> plugin_path = std::nullopt) {
        args.insert(args.begin(), ANVIL_INFO_EXE);
        std::map<std::string, std::optional<std::string>> env{{"ANVIL_PLUGIN_PATH", plugin_path}};
        if (bare) env["LD_LIBRARY_PATH"] = bare_;
        return run_process(args, env);
    }

    static json parse(const ProcessResult& r) {
        try {
            return json::parse(r.out);
        } catch (const json::exception& e) {
            ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out << "\nstderr:\n" << r.err;
            return json::object();
        }
    }

    // The attempt for `file` in case `name` in a JSON report (null when absent).
    static json attempt(const json& report, const std::string& name, const std::string& file) {
        for (const json& a : report["attempts"])
            if (a["path"] == case_dir(name) + "/" + file) return a;
        ADD_FAILURE() << "no attempt for " << name << "/" << file;
        return json();
    }

    static json backend(const json& report, const std::string& name) {
        for (const json& b : report["backends"])
            if (b["name"] == name) return b;
        ADD_FAILURE() << "no backend " << name;
        return json();
    }

    static inline std::string bare_;
};

TEST_F(InfoCli, NoPluginAnywhereIsAClearMessageAndExit1) {
    const ProcessResult r = info({});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("anvil-info: no backend was loaded"));
    EXPECT_THAT(r.out, AllOf(HasSubstr("missing  " + (fs::path(bare_) / "anvil").string() +
                                       "  (next to libanvil_core.so)"),
                             HasSubstr("0 backends, 0 available")));
}

TEST_F(InfoCli, EmptyPluginDirIsReportedAsHoldingNoPlugin) {
    const ProcessResult r = info({"--plugin-dir", case_dir("empty")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("anvil-info: no backend was loaded"));
    EXPECT_THAT(r.out, AllOf(HasSubstr("found    " + case_dir("empty") + "  (--plugin-dir / API)"),
                             HasSubstr("holds no libanvil-*.so file (0 other files)")));
}

TEST_F(InfoCli, OnlyUnavailableBackendsIsAClearMessageAndExit1) {
    const ProcessResult r = info({"--plugin-dir", case_dir("only_unavailable")});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "anvil-info: no backend is available on this machine (see the reasons above)\n");
    EXPECT_THAT(r.out, AllOf(HasSubstr("drowsy  UNAVAILABLE: drowsy hardware is switched off (simulated)"),
                             HasSubstr("priority: 0, devices: 2"), HasSubstr("1 backend, 0 available")));
}

TEST_F(InfoCli, WrongPluginDirListsWhatItSkipped) {
    const ProcessResult r = info({"--plugin-dir", case_dir("misnamed")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, AllOf(HasSubstr("holds no libanvil-*.so file (4 other files)"),
                             HasSubstr("skipped"), HasSubstr(case_dir("misnamed") + "/README.txt"),
                             HasSubstr("name does not match libanvil-*.so")));
}

TEST_F(InfoCli, MissingPluginDirIsAUsageErrorNamingThePath) {
    const std::string dir = case_dir("does-not-exist");
    const ProcessResult r = info({"--plugin-dir", dir});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "anvil-info: --plugin-dir '" + dir + "' does not exist\n");
    EXPECT_EQ(r.out, "");
}

TEST_F(InfoCli, PluginDirThatIsAFileIsAUsageError) {
    const std::string file = case_dir("misnamed") + "/README.txt";
    const ProcessResult r = info({"--plugin-dir", file, "--json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "anvil-info: --plugin-dir '" + file + "' is not a directory\n");
}

TEST_F(InfoCli, UnknownFlagIsAUsageError) {
    const ProcessResult r = info({"--frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, AllOf(StartsWith("anvil-info: "), HasSubstr("--frobnicate")));
}

TEST_F(InfoCli, HelpDescribesTheOptions) {
    const ProcessResult r = info({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_THAT(r.out, AllOf(HasSubstr("--plugin-dir"), HasSubstr("--backend"), HasSubstr("--json")));
}

TEST_F(InfoCli, JsonReportsEveryBrokenPluginWithItsReason) {
    std::vector<std::string> args{"--json"};
    for (const char* c : {"abi_mismatch", "throwing", "missing_dependency", "not_a_plugin",
                          "misnamed", "empty", "duplicate", "unavailable"}) {
        args.push_back("--plugin-dir");
        args.push_back(case_dir(c));
    }
    const ProcessResult r = info(args, true, case_dir("does-not-exist"));
    EXPECT_EQ(r.exit_code, 0) << r.err;  // flaky is available
    const json report = parse(r);
    ASSERT_TRUE(report.contains("attempts"));

    const struct {
        const char* dir;
        const char* file;
        const char* outcome;
        const char* detail;
    } expected[] = {
        {"abi_mismatch", "libanvil-abi-mismatch.so", "abi_mismatch", "ABI version 2"},
        {"throwing", "libanvil-throws-error.so", "factory_threw", "cannot talk to the accelerator"},
        {"throwing", "libanvil-throws-int.so", "factory_threw", "not derived from std::exception"},
        {"missing_dependency", "libanvil-missing-dependency.so", "open_failed", "libanvil-test-vanished.so.0"},
        {"not_a_plugin", "libanvil-not-a-plugin.so", "no_backend", "registered no backend"},
        {"not_a_plugin", "libanvil-text-file.so", "open_failed", "libanvil-text-file.so"},
        {"misnamed", "libanvil_misnamed.so", "skipped", "name does not match"},
        {"duplicate", "libanvil-twin-a.so", "loaded", ""},
        {"duplicate", "libanvil-twin-b.so", "duplicate", "'twin' is already registered"},
        {"unavailable", "libanvil-sleepy.so", "loaded", ""},
    };
    for (const auto& e : expected) {
        const json a = attempt(report, e.dir, e.file);
        if (a.is_null()) continue;
        EXPECT_EQ(a["outcome"], e.outcome) << e.file;
        EXPECT_THAT(a["detail"].get<std::string>(), HasSubstr(e.detail)) << e.file;
    }

    const json sleepy = backend(report, "sleepy");
    EXPECT_EQ(sleepy["available"], false);
    EXPECT_EQ(sleepy["reason"], "no sleepy hardware attached (simulated)");
    EXPECT_EQ(sleepy["file"], case_dir("unavailable") + "/libanvil-sleepy.so");
    const json flaky = backend(report, "flaky");
    EXPECT_EQ(flaky["available"], true);
    EXPECT_EQ(flaky["device_count"], 1);
    ASSERT_EQ(flaky["devices"].size(), 1u);
    EXPECT_THAT(flaky["devices"][0]["error"].get<std::string>(), HasSubstr("simulated driver error"));

    bool listed_missing = false;
    for (const json& d : report["search_directories"])
        if (d["path"] == case_dir("does-not-exist")) {
            listed_missing = true;
            EXPECT_EQ(d["exists"], false);
            EXPECT_EQ(d["origin"], "ANVIL_PLUGIN_PATH");
        }
    EXPECT_TRUE(listed_missing);
}

TEST_F(InfoCli, TextReportShowsOutcomesReasonsAndDeviceFailures) {
    const ProcessResult r = info({"--plugin-dir", case_dir("abi_mismatch"), "--plugin-dir",
                                  case_dir("missing_dependency"), "--plugin-dir", case_dir("unavailable")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, AllOf(HasSubstr("ABI mismatch"), HasSubstr("ABI version 2"),
                             HasSubstr("open failed"), HasSubstr("libanvil-test-vanished.so.0"),
                             HasSubstr("loaded                    " + case_dir("unavailable") +
                                       "/libanvil-flaky.so  -> flaky"),
                             HasSubstr("sleepy  UNAVAILABLE: no sleepy hardware attached (simulated)"),
                             HasSubstr("device 0: FAILED: [flaky] device 0 failed to initialise"),
                             HasSubstr("2 backends, 1 available")));
}

TEST_F(InfoCli, BackendOptionMatchesCaseInsensitively) {
    const ProcessResult r = info({"--plugin-dir", case_dir("unavailable"), "--backend", "FLAKY", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json report = parse(r);
    ASSERT_EQ(report["backends"].size(), 1u);
    EXPECT_EQ(report["backends"][0]["name"], "flaky");
    EXPECT_FALSE(report.contains("error"));
}

TEST_F(InfoCli, UnavailableBackendIsDescribedAndExits1) {
    const ProcessResult r = info({"--plugin-dir", case_dir("unavailable"), "--backend", "sleepy"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "anvil-info: backend 'sleepy' is unavailable: no sleepy hardware attached (simulated)\n");
    EXPECT_THAT(r.out, HasSubstr("sleepy  UNAVAILABLE: no sleepy hardware attached (simulated)"));
}

TEST_F(InfoCli, UnknownBackendListsTheOthersAndExits1) {
    const ProcessResult r = info({"--plugin-dir", case_dir("unavailable"), "--backend", "warp", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, AllOf(StartsWith("anvil-info: unknown backend 'warp'"), HasSubstr("available: flaky"),
                             HasSubstr("sleepy (no sleepy hardware attached (simulated))")));
    const json report = parse(r);
    EXPECT_TRUE(report["backends"].empty());
    EXPECT_THAT(report.value("error", ""), HasSubstr("unknown backend 'warp'"));
}

// The real CPU backend, from the build tree's plugin directory (when it has been built).
TEST_F(InfoCli, CpuBackendShowsItsDeviceAndCapabilities) {
    // libanvil-cpu.so (single build) or libanvil-cpu-x86-64-v*.so (ISA variants).
    bool built = false;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(ANVIL_BUILD_PLUGIN_DIR, ec))
        built = built || entry.path().filename().string().starts_with("libanvil-cpu");
    if (!built) GTEST_SKIP() << "no libanvil-cpu*.so is built in " << ANVIL_BUILD_PLUGIN_DIR;
    const ProcessResult r = info({"--backend", "cpu", "--json"}, false);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json cpu = parse(r)["backends"][0];
    EXPECT_EQ(cpu["available"], true);
    ASSERT_GE(cpu["devices"].size(), 1u);
    const json device = cpu["devices"][0];
    EXPECT_EQ(device["name"], "cpu:0");
    EXPECT_GT(device["memory"]["total_bytes"].get<std::size_t>(), 0u);
    // f32 is required of every backend: all ops, composites included.
    const auto f32 = device["supports"]["f32"].get<std::vector<std::string>>();
    for (const char* op : {"fill", "copy", "gemm", "sin", "sigmoid", "clip", "add", "maximum",
                           "sum", "argmax", "transpose", "linear_act_forward", "adam_update"})
        EXPECT_THAT(f32, ::testing::Contains(std::string(op)));

    const ProcessResult text = info({"--backend", "cpu"}, false);
    EXPECT_EQ(text.exit_code, 0) << text.err;
    EXPECT_THAT(text.out, AllOf(HasSubstr("cpu  available"), HasSubstr("cpu:0"),
                                HasSubstr("op                   f32  f64  i64"),
                                HasSubstr("gemm                 yes")));
}

// A CPU-only build says that the cuda backend was not built, and why; a CUDA build loads the
// cuda plugin (available or not) and says nothing of the kind.
TEST_F(InfoCli, CudaIsEitherLoadedOrReportedAsNotBuilt) {
    const ProcessResult r = info({"--json"}, false);
    const json report = parse(r);
    json cuda;  // null unless a backend named cuda was loaded
    for (const json& b : report["backends"])
        if (b["name"] == "cuda") cuda = b;
    if (ANVIL_TEST_CUDA_BUILT) {
        EXPECT_FALSE(cuda.is_null()) << r.out;
        EXPECT_TRUE(report["not_built"].empty()) << r.out;
    } else {
        EXPECT_TRUE(cuda.is_null()) << r.out;
        ASSERT_EQ(report["not_built"].size(), 1u) << r.out;
        EXPECT_EQ(report["not_built"][0]["name"], "cuda");
        EXPECT_NE(report["not_built"][0]["reason"].get<std::string>().find("ANVIL_CUDA"),
                  std::string::npos);
        const ProcessResult text = info({}, false);
        EXPECT_NE(text.out.find("cuda  NOT BUILT"), std::string::npos) << text.out;
    }
}

}  // namespace
}  // namespace anvil
