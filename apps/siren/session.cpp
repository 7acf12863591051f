// Backend and device selection for anvil-siren (see session.h).
#include "session.h"

#include "options.h"

namespace anvil::siren {

Placement open_device(const std::string& backend_name, int device_index,
                      const std::vector<std::string>& plugin_dirs,
                      const std::function<void(const std::string&)>& announce) {
    Registry& registry = Registry::instance();
    registry.load_plugins(plugin_dirs);
    Placement p;
    if (backend_name == "auto") {
        p.backend = &registry.best_available();
        announce("--backend auto: using " + p.backend->name() + " (" +
                 p.backend->description() + ")");
    } else {
        p.backend = registry.find(backend_name);
        if (!p.backend)
            throw UsageError("--backend: unknown backend '" + backend_name + "'; " +
                             registry.backends_summary());
        const Availability a = p.backend->availability();
        if (!a.available)
            throw Error("[backend] " + p.backend->name() + " is unavailable: " + a.reason);
    }
    const int count = p.backend->device_count();
    if (device_index >= count)
        throw UsageError("--device " + std::to_string(device_index) + ": backend " +
                         p.backend->name() + " has " + std::to_string(count) + " device" +
                         (count == 1 ? "" : "s") + " (0 to " + std::to_string(count - 1) + ")");
    p.device = p.backend->device(device_index);
    return p;
}

void list_backends(std::ostream& out, const std::vector<std::string>& plugin_dirs) {
    Registry& registry = Registry::instance();
    registry.load_plugins(plugin_dirs);
    const auto backends = registry.backends();
    if (backends.empty()) out << "no backend plugin was loaded\n";
    for (Backend* b : backends) {
        const Availability a = b->availability();
        out << b->name() << ": ";
        if (a.available) {
            const int n = b->device_count();
            out << "available, " << n << " device" << (n == 1 ? "" : "s") << ", priority "
                << b->priority() << " - " << b->description() << "\n";
        } else {
            out << "unavailable: " << a.reason << "\n";
        }
    }
    for (const LoadAttempt& attempt : registry.attempts())
        if (attempt.outcome != LoadOutcome::loaded && attempt.outcome != LoadOutcome::skipped)
            out << "plugin " << attempt.path << ": " << load_outcome_name(attempt.outcome)
                << (attempt.detail.empty() ? "" : ": " + attempt.detail) << "\n";
    out << "(auto picks the available backend with the highest priority; anvil-info shows "
           "every directory searched)\n";
}

}  // namespace anvil::siren
