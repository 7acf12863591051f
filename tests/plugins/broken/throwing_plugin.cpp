// A plugin whose backend constructor throws: an anvil::Error with a message, or (with
// ANVIL_TEST_THROW_INT) something not derived from std::exception. Either way the core records
// it and dlopen returns normally.
#include "scripted_backend.h"

namespace {

class ThrowingBackend : public anvil::ScriptedBackend {
public:
    ThrowingBackend() : ScriptedBackend({"throwing", "never constructed", true, "", 1, 0}) {
#ifdef ANVIL_TEST_THROW_INT
        throw 42;
#else
        throw anvil::Error("[throwing] cannot talk to the accelerator (simulated)");
#endif
    }
};

}  // namespace

ANVIL_REGISTER_BACKEND(ThrowingBackend)
