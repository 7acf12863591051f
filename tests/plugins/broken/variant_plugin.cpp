// One variant of a backend ("sliced"), as the cpu backend's ISA variants register: the
// variant name, score and reason come from compile definitions (ANVIL_TEST_VARIANT,
// ANVIL_TEST_SCORE, ANVIL_TEST_REASON). The factory counts its calls in an exported
// variable, so a test can check that a variant scoring 0 or losing was never constructed.
#include "scripted_backend.h"

extern "C" {
ANVIL_EXPORT int anvil_test_variant_constructed = 0;
}

namespace {

class VariantBackend : public anvil::ScriptedBackend {
public:
    VariantBackend()
        : ScriptedBackend({"sliced", "variant " ANVIL_TEST_VARIANT " of the loader test backend",
                           true, "", 1, 0}) {}
};

anvil::Backend* make_variant() {
    ++anvil_test_variant_constructed;
    return new VariantBackend();
}

struct Registrar {
    Registrar() noexcept {
        anvil::anvil_register_backend_variant(ANVIL_ABI_VERSION, "sliced", ANVIL_TEST_VARIANT, ANVIL_TEST_SCORE,
                                              ANVIL_TEST_REASON, &make_variant);
    }
} registrar;

}  // namespace
