// The reference backend and its registration. Loading libanvil-reference.so runs the static
// registrar made by ANVIL_REGISTER_BACKEND, which hands the core a factory for this class
// together with the ABI version this plugin was compiled against.
#include <memory>

#include "anvil/plugin.h"
#include "reference_device.h"

namespace anvil::reference {

class ReferenceBackend final : public Backend {
public:
    std::string name() const override { return "reference"; }
    std::string description() const override {
        return "plain loops on the host: the readable spec and template for new backends";
    }
    // Host memory and libm are always there, so there is never a reason to be unavailable.
    // A backend that needs hardware returns {false, "no CUDA driver found (...)"} instead of
    // throwing, and the registry shows that reason to the user.
    Availability availability() const override { return {true, ""}; }
    int device_count() const override { return 1; }
    // Lowest useful priority: `--backend auto` prefers any fast backend that is available.
    int priority() const override { return 1; }

protected:
    // Backend::device() checks availability and the index range and caches the result, so
    // this is called at most once, with index 0.
    std::shared_ptr<Device> create_device(int /*index*/) override {
        return std::make_shared<ReferenceDevice>();
    }
};

}  // namespace anvil::reference

ANVIL_REGISTER_BACKEND(anvil::reference::ReferenceBackend)
