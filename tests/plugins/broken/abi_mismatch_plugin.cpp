// A plugin "compiled against a newer SDK": it registers with ANVIL_ABI_VERSION + 1 by calling
// anvil_register_backend directly. The core must refuse it and name both versions.
#include "scripted_backend.h"

namespace {

anvil::Backend* make_backend() {
    return new anvil::ScriptedBackend({"future", "from a newer ABI", true, "", 1, 0});
}

struct FutureRegistrar {
    FutureRegistrar() noexcept { anvil::anvil_register_backend(ANVIL_ABI_VERSION + 1, &make_backend); }
} registrar;

}  // namespace
