// Looking backends and devices up by name, with the "unavailable" case loaded: sleepy (reports
// itself unavailable, with a reason) and flaky (available, top priority, but its device fails to
// open). Errors must name the reason and list what is available; names match case-insensitively;
// lookup() and the device wording give apps the same words without a throw.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "anvil/backend.h"
#include "anvil/error.h"
#include "anvil/registry.h"
#include "loader_cases.h"

namespace anvil {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class RegistryLookup : public ::testing::Test {
protected:
    void SetUp() override {
        load_case("unavailable");
        for (const char* file : {"libanvil-sleepy.so", "libanvil-flaky.so"}) {
            const LoadAttempt a = attempt_for("unavailable", file);
            ASSERT_EQ(a.outcome, LoadOutcome::loaded) << file << ": " << a.detail;
        }
    }

    // The message of the anvil::Error that `call` throws ("" and a failure if none).
    template <typename Call> static std::string error_of(Call call) {
        try {
            call();
        } catch (const Error& e) {
            return e.what();
        }
        ADD_FAILURE() << "expected an anvil::Error";
        return "";
    }
};

TEST_F(RegistryLookup, FindMatchesNamesCaseInsensitively) {
    Backend* lower = Registry::instance().find("sleepy");
    ASSERT_NE(lower, nullptr);
    EXPECT_EQ(Registry::instance().find("SLEEPY"), lower);
    EXPECT_EQ(Registry::instance().find("Sleepy"), lower);
    EXPECT_EQ(&Registry::instance().get("FLAKY"), Registry::instance().find("flaky"));
    EXPECT_EQ(Registry::instance().find("sleepy2"), nullptr);
}

TEST_F(RegistryLookup, GetRefusesAnUnavailableBackendWithItsReason) {
    for (const char* name : {"sleepy", "SLEEPY"}) {
        const std::string message = error_of([&] { Registry::instance().get(name); });
        EXPECT_THAT(message, AllOf(StartsWith("[backend]"), HasSubstr("'sleepy' is unavailable"),
                                   HasSubstr("no sleepy hardware attached (simulated)")));
    }
}

TEST_F(RegistryLookup, UnknownNameListsAvailableBackendsAndWhyOthersAreNot) {
    const std::string message = error_of([] { Registry::instance().get("warp-drive"); });
    EXPECT_THAT(message, AllOf(StartsWith("[backend] unknown backend 'warp-drive'"),
                               HasSubstr("available: "), HasSubstr("flaky"),
                               HasSubstr("unavailable: "),
                               HasSubstr("sleepy (no sleepy hardware attached (simulated))")));
    EXPECT_EQ(message, "[backend] unknown backend 'warp-drive'; " +
                           Registry::instance().backends_summary());
}

// lookup() is get() without the throw: the same checks and, after "[backend] ", the same words.
TEST_F(RegistryLookup, LookupReturnsWhatGetThrows) {
    Registry& registry = Registry::instance();
    const BackendLookup unknown = registry.lookup("warp-drive");
    EXPECT_EQ(unknown.backend, nullptr);
    EXPECT_EQ(unknown.problem, "unknown backend 'warp-drive'; " + registry.backends_summary());
    const BackendLookup sleepy = registry.lookup("SLEEPY");
    EXPECT_EQ(sleepy.backend, registry.find("sleepy"));
    EXPECT_EQ(sleepy.problem,
              "backend 'sleepy' is unavailable: no sleepy hardware attached (simulated)");
    const BackendLookup flaky = registry.lookup("Flaky");
    EXPECT_EQ(flaky.backend, registry.find("flaky"));
    EXPECT_EQ(flaky.problem, "");
    for (const char* name : {"warp-drive", "SLEEPY"})
        EXPECT_EQ(error_of([&] { registry.get(name); }),
                  "[backend] " + registry.lookup(name).problem);
}

TEST_F(RegistryLookup, DeviceCountsAndIndicesInOneWording) {
    EXPECT_EQ(device_count_text(0), "0 devices");
    EXPECT_EQ(device_count_text(1), "1 device");
    EXPECT_EQ(device_count_text(2), "2 devices");
    const Backend& flaky = *Registry::instance().find("flaky");  // one device
    EXPECT_EQ(device_index_problem(flaky, 0), "");
    for (int index : {1, 7, -1})
        EXPECT_EQ(device_index_problem(flaky, index), "backend flaky has 1 device (0 to 0)")
            << index;
    const Backend& sleepy = *Registry::instance().find("sleepy");  // no device
    EXPECT_EQ(device_index_problem(sleepy, 0), "backend sleepy has 0 devices");
}

TEST_F(RegistryLookup, DeviceSpecsAreValidated) {
    EXPECT_THAT(error_of([] { Registry::instance().device("sleepy:0"); }),
                HasSubstr("no sleepy hardware attached (simulated)"));
    EXPECT_THAT(error_of([] { Registry::instance().device("flaky:3"); }),
                AllOf(StartsWith("[device]"), HasSubstr("flaky:3 does not exist (1 device)")));
    for (const char* bad : {"flaky:", "flaky:x", "flaky:-1", "flaky:1234567"})
        EXPECT_THAT(error_of([&] { Registry::instance().device(bad); }),
                    AllOf(StartsWith("[device] bad device '"), HasSubstr("NAME:INDEX")))
            << bad;
    EXPECT_THAT(error_of([] { Registry::instance().device("nowhere:0"); }),
                HasSubstr("unknown backend 'nowhere'"));
}

TEST_F(RegistryLookup, DeviceCreationFailureReachesTheCallerAndIsNotCached) {
    for (int attempt = 0; attempt < 2; ++attempt)
        EXPECT_THAT(error_of([] { anvil::device("Flaky:0"); }),
                    HasSubstr("[flaky] device 0 failed to initialise (simulated driver error)"));
}

TEST_F(RegistryLookup, AutoPicksTheHighestPriorityAvailableBackend) {
    // sleepy has the higher priority but is unavailable, so "auto" must pass it over.
    EXPECT_EQ(Registry::instance().best_available().name(), "flaky");
    EXPECT_THAT(error_of([] { Registry::instance().device("auto"); }),
                HasSubstr("[flaky] device 0 failed"));
}

TEST_F(RegistryLookup, BackendShorthandMatchesGet) {
    EXPECT_EQ(&anvil::backend("flaky"), &Registry::instance().get("flaky"));
    EXPECT_THAT(error_of([] { anvil::backend("sleepy"); }), HasSubstr("unavailable"));
}

}  // namespace
}  // namespace anvil
