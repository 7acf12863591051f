// A well-formed plugin whose backend is described by compile definitions (ANVIL_TEST_NAME,
// ANVIL_TEST_AVAILABLE, ANVIL_TEST_REASON, ANVIL_TEST_DEVICES, ANVIL_TEST_PRIORITY). Built
// several times: an unavailable backend, an available one whose device fails, two plugins
// with the same backend name, and a copy whose file name the loader must not match.
#include "scripted_backend.h"

namespace {

class TestBackend : public anvil::ScriptedBackend {
public:
    TestBackend()
        : ScriptedBackend({ANVIL_TEST_NAME, "loader test backend from " ANVIL_TEST_FILE,
                           ANVIL_TEST_AVAILABLE, ANVIL_TEST_REASON, ANVIL_TEST_DEVICES,
                           ANVIL_TEST_PRIORITY}) {}
};

}  // namespace

ANVIL_REGISTER_BACKEND(TestBackend)
