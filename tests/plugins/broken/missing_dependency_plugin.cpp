// A plugin that needs a shared library which is not there at run time (see vanishing_lib.cpp):
// dlopen must fail with a dlerror that names the missing library, and the core reports it.
#include "scripted_backend.h"

extern "C" int anvil_test_vanishing_value();

namespace {

class NeedyBackend : public anvil::ScriptedBackend {
public:
    NeedyBackend()
        : ScriptedBackend({"needy", "needs a missing library", anvil_test_vanishing_value() == 42,
                           "", 1, 0}) {}
};

}  // namespace

ANVIL_REGISTER_BACKEND(NeedyBackend)
