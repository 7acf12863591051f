// The backend registry: registration from plugins (with the ABI check), lookup by name,
// device specs ("cuda:1", "auto") and the words of the errors that list what is available.
#include "anvil/registry.h"

#include <algorithm>
#include <cctype>

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/plugin.h"
#include "registry_impl.h"

namespace anvil {

std::string lower_ascii(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string abi_mismatch_text(int abi_version) {
    return "plugin was built for anvil ABI version " + std::to_string(abi_version) +
           ", this libanvil_core has ABI version " + std::to_string(ANVIL_ABI_VERSION) +
           "; rebuild the plugin against this SDK";
}

const char* load_outcome_name(LoadOutcome outcome) {
    switch (outcome) {
        case LoadOutcome::loaded: return "loaded";
        case LoadOutcome::skipped: return "skipped";
        case LoadOutcome::open_failed: return "open failed";
        case LoadOutcome::abi_mismatch: return "ABI mismatch";
        case LoadOutcome::factory_threw: return "backend constructor threw";
        case LoadOutcome::no_backend: return "not an anvil plugin";
        case LoadOutcome::duplicate: return "duplicate backend";
        case LoadOutcome::variant_unsupported: return "variant not usable here";
        case LoadOutcome::variant_not_chosen: return "variant not chosen";
    }
    return "?";
}

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Registry& Registry::instance() {
    // Deliberately never destroyed: plugins are never unloaded, and backends holding driver
    // state must not be torn down in an unspecified order at exit.
    static Registry* registry = new Registry();
    return *registry;
}

void Registry::register_factory(int abi_version, Backend* (*factory)()) noexcept {
    try {
        std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
        LoadAttempt linked{"(linked into the executable)", LoadOutcome::loaded, "", {}, "", 0};
        LoadAttempt& attempt = impl_->current ? *impl_->current : linked;
        impl_->registered_in_current = true;
        auto fail = [&](LoadOutcome outcome, const std::string& detail) {
            attempt.outcome = outcome;
            attempt.detail = detail;
        };
        if (abi_version != ANVIL_ABI_VERSION) {
            fail(LoadOutcome::abi_mismatch, abi_mismatch_text(abi_version));
        } else if (!factory) {
            fail(LoadOutcome::factory_threw, "registered a null factory");
        } else {
            std::unique_ptr<Backend> backend;
            try {
                backend.reset(factory());
            } catch (const std::exception& e) {
                fail(LoadOutcome::factory_threw, e.what());
            } catch (...) {
                fail(LoadOutcome::factory_threw, "unknown exception (not derived from std::exception)");
            }
            if (backend) {
                const std::string name = lower_ascii(backend->name());
                for (std::size_t i = 0; i < impl_->backends.size(); ++i) {
                    if (lower_ascii(impl_->backends[i]->name()) == name) {
                        fail(LoadOutcome::duplicate, "backend '" + name +
                                                         "' is already registered by " +
                                                         impl_->backend_origins[i]);
                        impl_->refused.push_back(std::move(backend));  // see Impl::refused
                        break;
                    }
                }
                if (backend) {
                    attempt.backends.push_back(backend->name());
                    impl_->backend_origins.push_back(attempt.path);
                    impl_->backend_variants.emplace_back();
                    impl_->backend_scores.push_back(0);
                    impl_->backends.push_back(std::move(backend));
                }
            }
        }
        if (!impl_->current) impl_->attempts.push_back(attempt);
    } catch (...) {
        // Nothing may escape a registrar (it runs inside dlopen's static initialisation).
    }
}

extern "C" void anvil_register_backend(int abi_version, BackendFactory factory) noexcept {
    Registry::instance().register_factory(abi_version, factory);
}

extern "C" void anvil_register_backend_variant(int abi_version, const char* backend, const char* variant,
                                               int score, const char* reason, BackendFactory factory) noexcept {
    Registry::instance().register_variant(abi_version, backend, variant, score, reason, factory);
}

std::vector<SearchDirectory> Registry::searched_directories() const {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    return impl_->directories;
}

std::vector<LoadAttempt> Registry::attempts() const {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    return impl_->attempts;
}

std::vector<Backend*> Registry::backends() const {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    std::vector<Backend*> out;
    for (const auto& b : impl_->backends) out.push_back(b.get());
    return out;
}

Backend* Registry::find(const std::string& name) {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    if (!impl_->defaults_loaded) load_plugins();
    const std::string wanted = lower_ascii(name);
    for (const auto& b : impl_->backends)
        if (lower_ascii(b->name()) == wanted) return b.get();
    return nullptr;
}

std::string Registry::backends_summary() {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    if (!impl_->defaults_loaded) load_plugins();
    std::string available, unavailable;
    for (const auto& b : impl_->backends) {
        const Availability a = b->availability();
        if (a.available) {
            available += (available.empty() ? "" : ", ") + b->name();
        } else {
            unavailable += (unavailable.empty() ? "" : "; ") + b->name() + " (" + a.reason + ")";
        }
    }
    std::string text = "available: " + (available.empty() ? std::string("none") : available);
    if (!unavailable.empty()) text += "; unavailable: " + unavailable;
    if (impl_->backends.empty())
        text += " (no plugin was loaded; run anvil-info to see where anvil looked)";
    return text;
}

BackendLookup Registry::lookup(const std::string& name) {
    BackendLookup found;
    found.backend = find(name);
    if (!found.backend) {
        found.problem = "unknown backend '" + name + "'; " + backends_summary();
        return found;
    }
    const Availability a = found.backend->availability();
    if (!a.available)
        found.problem = "backend '" + found.backend->name() + "' is unavailable: " + a.reason;
    return found;
}

Backend& Registry::get(const std::string& name) {
    const BackendLookup found = lookup(name);
    if (!found.problem.empty()) throw Error("[backend] " + found.problem);
    return *found.backend;
}

Backend& Registry::best_available() {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    if (!impl_->defaults_loaded) load_plugins();
    Backend* best = nullptr;
    for (const auto& b : impl_->backends)
        if (b->availability().available && (!best || b->priority() > best->priority()))
            best = b.get();
    if (!best) throw Error("[backend] no backend is available; " + backends_summary());
    return *best;
}

std::shared_ptr<Device> Registry::device(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string name = spec.substr(0, colon);
    int index = 0;
    if (colon != std::string::npos) {
        const std::string digits = spec.substr(colon + 1);
        if (digits.empty() || digits.size() > 6 ||
            !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
            throw Error("[device] bad device '" + spec + "' (expected NAME or NAME:INDEX, e.g. cuda:0)");
        index = std::stoi(digits);
    }
    Backend& backend = lower_ascii(name) == "auto" ? best_available() : get(name);
    return backend.device(index);
}

std::string device_count_text(int count) {
    return std::to_string(count) + (count == 1 ? " device" : " devices");
}

std::string device_index_problem(const Backend& backend, int index) {
    const int count = backend.device_count();
    if (index >= 0 && index < count) return "";
    std::string text = "backend " + backend.name() + " has " + device_count_text(count);
    if (count > 0) text += " (0 to " + std::to_string(count - 1) + ")";
    return text;
}

std::shared_ptr<Device> device(const std::string& spec) { return Registry::instance().device(spec); }
Backend& backend(const std::string& name) { return Registry::instance().get(name); }

}  // namespace anvil
