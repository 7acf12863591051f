// Backend variants (anvil_register_backend_variant): of four files holding variants of the
// backend "sliced", the loader keeps the best-scoring one, replaces a weaker one registered
// earlier, never constructs a variant that scores 0 or loses, and says for every file why it
// was or was not chosen.
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "anvil/backend.h"
#include "anvil/registry.h"
#include "loader_cases.h"

namespace anvil {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// How many times the factory in an already loaded variant file ran.
int constructed(const std::string& file) {
    void* handle = dlopen((case_dir("variants") + "/" + file).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) return -1;
    const auto* count = static_cast<const int*>(dlsym(handle, "anvil_test_variant_constructed"));
    return count ? *count : -1;
}

TEST(Variants, BestScoringSupportedVariantIsChosenAndTheOthersSayWhy) {
    const auto attempts = load_case("variants");
    ASSERT_EQ(attempts.size(), 4u);
    Backend* sliced = Registry::instance().find("sliced");
    ASSERT_NE(sliced, nullptr);
    EXPECT_EQ(sliced->description(), "variant b of the loader test backend");
    int registered = 0;
    for (Backend* b : Registry::instance().backends()) registered += b->name() == "sliced";
    EXPECT_EQ(registered, 1);

    const LoadAttempt a = attempt_for("variants", "libanvil-sliced-a.so");
    EXPECT_EQ(a.outcome, LoadOutcome::variant_not_chosen);
    EXPECT_EQ(a.variant, "a");
    EXPECT_EQ(a.score, 2);
    EXPECT_TRUE(a.backends.empty());
    EXPECT_THAT(a.detail, AllOf(HasSubstr("score 2 is below b's 5"), HasSubstr("libanvil-sliced-b.so")));

    const LoadAttempt b = attempt_for("variants", "libanvil-sliced-b.so");
    EXPECT_EQ(b.outcome, LoadOutcome::loaded);
    EXPECT_EQ(b.backends, std::vector<std::string>{"sliced"});
    EXPECT_THAT(b.detail, HasSubstr("sliced variant b chosen (score 5)"));

    const LoadAttempt c = attempt_for("variants", "libanvil-sliced-c.so");
    EXPECT_EQ(c.outcome, LoadOutcome::variant_unsupported);
    EXPECT_EQ(c.score, 0);
    EXPECT_THAT(c.detail, HasSubstr("needs the warp-drive extension (simulated)"));

    const LoadAttempt d = attempt_for("variants", "libanvil-sliced-d.so");
    EXPECT_EQ(d.outcome, LoadOutcome::variant_not_chosen);
    EXPECT_THAT(d.detail, AllOf(HasSubstr("score 3 is not above b's 5"), HasSubstr("libanvil-sliced-b.so")));

    // Only a (chosen until b came) and b were ever constructed.
    EXPECT_EQ(constructed("libanvil-sliced-a.so"), 1);
    EXPECT_EQ(constructed("libanvil-sliced-b.so"), 1);
    EXPECT_EQ(constructed("libanvil-sliced-c.so"), 0);
    EXPECT_EQ(constructed("libanvil-sliced-d.so"), 0);
}

}  // namespace
}  // namespace anvil
