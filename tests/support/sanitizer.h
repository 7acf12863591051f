// Whether this test binary was built with AddressSanitizer (scripts/test-sanitizers.sh), for
// the few tests that cannot run under it (they skip with GTEST_SKIP and the reason, never
// silently) and the ones that only mean something under it (LeakSanitizer checks).
#pragma once

#if defined(__has_feature)
#if __has_feature(address_sanitizer)  // clang
#define ANVIL_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(ANVIL_TEST_ASAN)  // gcc
#define ANVIL_TEST_ASAN 1
#endif
