// Registration of backend variants (anvil_register_backend_variant in anvil/plugin.h): several
// plugin files, each the same backend built for another instruction set, of which the core
// keeps the best-scoring one that the running CPU supports under the backend's one name. The
// factory of a variant runs only when that variant becomes the chosen one, so code built for
// an ISA the CPU lacks is never entered; every file's load attempt says what happened to it.
#include <memory>
#include <string>

#include "anvil/backend.h"
#include "anvil/plugin.h"
#include "anvil/registry.h"
#include "registry_impl.h"

namespace anvil {

namespace {

std::string text_or(const char* text, const char* fallback) {
    return text && *text ? std::string(text) : std::string(fallback);
}

}  // namespace

void Registry::register_variant(int abi_version, const char* backend_name, const char* variant,
                                int score, const char* reason, Backend* (*factory)()) noexcept {
    try {
        std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
        LoadAttempt linked{"(linked into the executable)", LoadOutcome::loaded, "", {}, "", 0};
        LoadAttempt& attempt = impl_->current ? *impl_->current : linked;
        impl_->registered_in_current = true;
        const std::string name = lower_ascii(text_or(backend_name, ""));
        attempt.variant = text_or(variant, "(unnamed variant)");
        attempt.score = score;
        auto finish = [&](LoadOutcome outcome, const std::string& detail) {
            attempt.outcome = outcome;
            attempt.detail = detail;
            if (!impl_->current) impl_->attempts.push_back(attempt);
        };
        if (abi_version != ANVIL_ABI_VERSION) return finish(LoadOutcome::abi_mismatch, abi_mismatch_text(abi_version));
        if (name.empty() || !factory)
            return finish(LoadOutcome::factory_threw, "registered a variant without a backend name or factory");
        const std::string what = name + " variant " + attempt.variant;
        if (score <= 0) return finish(LoadOutcome::variant_unsupported, what + ": " + text_or(reason, "unsupported"));

        std::size_t existing = impl_->backends.size();
        for (std::size_t i = 0; i < impl_->backends.size(); ++i)
            if (lower_ascii(impl_->backends[i]->name()) == name) existing = i;
        const bool replaces = existing < impl_->backends.size();
        if (replaces && impl_->backend_variants[existing].empty())
            return finish(LoadOutcome::duplicate, "backend '" + name + "' is already registered by " +
                                                      impl_->backend_origins[existing]);
        if (replaces && score <= impl_->backend_scores[existing])
            return finish(LoadOutcome::variant_not_chosen,
                          what + ": score " + std::to_string(score) + " is not above " +
                              impl_->backend_variants[existing] + "'s " +
                              std::to_string(impl_->backend_scores[existing]) + " (" +
                              impl_->backend_origins[existing] + ")");

        std::unique_ptr<Backend> backend;
        try {
            backend.reset(factory());
        } catch (const std::exception& e) {
            return finish(LoadOutcome::factory_threw, e.what());
        } catch (...) {
            return finish(LoadOutcome::factory_threw, "unknown exception (not derived from std::exception)");
        }
        if (!backend) return finish(LoadOutcome::factory_threw, "the factory returned no backend");
        if (lower_ascii(backend->name()) != name) {
            const std::string actual = backend->name();
            impl_->refused.push_back(std::move(backend));  // kept alive: see Impl::refused
            return finish(LoadOutcome::factory_threw,
                          "registered as a variant of '" + name + "' but names itself '" + actual + "'");
        }
        if (replaces) {
            // The variant chosen so far steps aside; its object stays alive (a caller may hold
            // it) and its file's attempt now says why it is not the one in use.
            for (LoadAttempt& old : impl_->attempts) {
                if (old.path != impl_->backend_origins[existing] || old.outcome != LoadOutcome::loaded) continue;
                old.outcome = LoadOutcome::variant_not_chosen;
                old.detail = name + " variant " + old.variant + ": score " + std::to_string(old.score) +
                             " is below " + attempt.variant + "'s " + std::to_string(score) + " (" +
                             attempt.path + ")";
                old.backends.clear();
            }
            impl_->refused.push_back(std::move(impl_->backends[existing]));  // see Impl::refused
            impl_->backends[existing] = std::move(backend);
            impl_->backend_origins[existing] = attempt.path;
            impl_->backend_variants[existing] = attempt.variant;
            impl_->backend_scores[existing] = score;
        } else {
            impl_->backends.push_back(std::move(backend));
            impl_->backend_origins.push_back(attempt.path);
            impl_->backend_variants.push_back(attempt.variant);
            impl_->backend_scores.push_back(score);
        }
        attempt.backends.push_back(name);
        finish(LoadOutcome::loaded, what + " chosen (score " + std::to_string(score) + ")");
    } catch (...) {
        // Nothing may escape a registrar (it runs inside dlopen's static initialisation).
    }
}

}  // namespace anvil
