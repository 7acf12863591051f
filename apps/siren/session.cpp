// Backend and device selection for anvil-siren (see session.h).
#include "session.h"

#include <cstdio>
#include <filesystem>

#include "options.h"

namespace anvil::siren {

std::string missing_plugin_dirs(const std::vector<std::string>& plugin_dirs) {
    std::string text;
    for (const std::string& dir : plugin_dirs) {
        std::error_code ec;
        if (std::filesystem::is_directory(dir, ec)) continue;
        text += (text.empty() ? "--plugin-dir " : ", --plugin-dir ") + dir;
        text += std::filesystem::exists(dir, ec) ? " is not a directory" : " does not exist";
    }
    return text;
}

Placement open_device(const std::string& backend_name, int device_index,
                      const std::vector<std::string>& plugin_dirs,
                      const std::function<void(const std::string&)>& announce) {
    Registry& registry = Registry::instance();
    registry.load_plugins(plugin_dirs);
    // A missing plugin directory may be why a backend is unknown or unavailable: named in those
    // errors, otherwise a warning.
    const std::string missing = missing_plugin_dirs(plugin_dirs);
    const std::string note = missing.empty() ? "" : " (" + missing + ")";
    Placement p;
    if (backend_name == "auto") {
        p.backend = &registry.best_available();
        announce("--backend auto: using " + p.backend->name() + " (" +
                 p.backend->description() + ")");
    } else {
        // The registry words both problems; a name no plugin registered is the user's typo
        // (exit 2), an unavailable backend is this machine's state (exit 1).
        const BackendLookup found = registry.lookup(backend_name);
        if (!found.backend)
            throw UsageError("--backend: " + found.problem + note);
        if (!found.problem.empty()) throw Error("[backend] " + found.problem + note);
        p.backend = found.backend;
    }
    const std::string no_device = device_index_problem(*p.backend, device_index);
    if (!no_device.empty())
        throw UsageError("--device " + std::to_string(device_index) + ": " + no_device);
    p.device = p.backend->device(device_index);
    // Printed even with --quiet: the command line asked for something that did not happen.
    if (!missing.empty())
        std::fprintf(stderr, "anvil-siren: warning: %s; no plugins were loaded from it\n",
                     missing.c_str());
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
    if (const std::string missing = missing_plugin_dirs(plugin_dirs); !missing.empty())
        out << missing << "\n";
    out << "(auto picks the available backend with the highest priority; anvil-info shows "
           "every directory searched)\n";
}

}  // namespace anvil::siren
