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
        // The registry words both problems; a name no plugin registered is the user's typo
        // (exit 2), an unavailable backend is this machine's state (exit 1).
        const BackendLookup found = registry.lookup(backend_name);
        if (!found.backend) throw UsageError("--backend: " + found.problem);
        if (!found.problem.empty()) throw Error("[backend] " + found.problem);
        p.backend = found.backend;
    }
    const std::string no_device = device_index_problem(*p.backend, device_index);
    if (!no_device.empty())
        throw UsageError("--device " + std::to_string(device_index) + ": " + no_device);
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
            out << "available, " << device_count_text(b->device_count()) << ", priority "
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
