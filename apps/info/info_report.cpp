// Collects anvil-info's report from the registry. Every call into a plugin (availability,
// device creation, capability queries) is guarded: a diagnostics tool must describe a broken
// backend, not die of it.
#include "info_report.h"

#include <filesystem>

#include "anvil/backend.h"
#include "anvil/plugin.h"

#ifndef ANVIL_VERSION
#error "ANVIL_VERSION must be defined by the build"
#endif

namespace anvil {

namespace fs = std::filesystem;

const char* load_outcome_id(LoadOutcome outcome) {
    switch (outcome) {
        case LoadOutcome::loaded: return "loaded";
        case LoadOutcome::skipped: return "skipped";
        case LoadOutcome::open_failed: return "open_failed";
        case LoadOutcome::abi_mismatch: return "abi_mismatch";
        case LoadOutcome::factory_threw: return "factory_threw";
        case LoadOutcome::no_backend: return "no_backend";
        case LoadOutcome::duplicate: return "duplicate";
        case LoadOutcome::variant_unsupported: return "variant_unsupported";
        case LoadOutcome::variant_not_chosen: return "variant_not_chosen";
    }
    return "unknown";
}

namespace {

std::string without_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

bool is_plugin_file_name(const std::string& name) {
    return name.size() > 12 && name.starts_with("libanvil-") && name.ends_with(".so");
}

DirectoryReport describe_directory(const SearchDirectory& dir,
                                   const std::vector<LoadAttempt>& attempts) {
    DirectoryReport report{dir, 0, 0};
    const std::string wanted = without_trailing_slash(dir.path);
    for (const LoadAttempt& a : attempts) {
        const fs::path path(a.path);
        if (path.parent_path().string() != wanted) continue;
        if (is_plugin_file_name(path.filename().string())) ++report.plugin_files;
        else ++report.other_files;
    }
    return report;
}

// Which file registered `name`, from the load attempts.
std::string origin_of(const std::string& name, const std::vector<LoadAttempt>& attempts) {
    for (const LoadAttempt& a : attempts)
        if (a.outcome == LoadOutcome::loaded)
            for (const std::string& b : a.backends)
                if (b == name) return a.path;
    return "(unknown)";
}

DeviceReport describe_device(Backend& backend, int index) {
    DeviceReport report;
    report.index = index;
    try {
        const std::shared_ptr<Device> device = backend.device(index);
        report.name = device->name();
        report.description = device->description();
        report.memory = device->memory_info();
        for (std::size_t d = 0; d < kInfoDTypes.size(); ++d)
            for (int op = 0; op < kOpCount; ++op)
                report.supported[d][static_cast<std::size_t>(op)] =
                    device->supports(static_cast<Op>(op), kInfoDTypes[d]);
    } catch (const std::exception& e) {
        report.error = e.what();
    } catch (...) {
        report.error = "unknown exception (not derived from std::exception)";
    }
    return report;
}

BackendReport describe_backend(Backend& backend, const std::vector<LoadAttempt>& attempts) {
    BackendReport report;
    try {
        report.name = backend.name();
        report.file = origin_of(report.name, attempts);
        report.description = backend.description();
        report.priority = backend.priority();
        const Availability availability = backend.availability();
        report.available = availability.available;
        report.reason = availability.reason;
        report.device_count = backend.device_count();
    } catch (const std::exception& e) {
        report.available = false;
        report.reason = std::string("the backend failed to describe itself: ") + e.what();
        return report;
    }
    if (report.available)
        for (int i = 0; i < report.device_count; ++i)
            report.devices.push_back(describe_device(backend, i));
    return report;
}

}  // namespace

InfoReport collect_report(const std::vector<std::string>& plugin_dirs,
                          const std::optional<std::string>& only_backend) {
    Registry& registry = Registry::instance();
    registry.load_plugins(plugin_dirs);

    InfoReport report;
    report.version = ANVIL_VERSION;
    report.abi_version = ANVIL_ABI_VERSION;
    report.attempts = registry.attempts();
    for (const SearchDirectory& dir : registry.searched_directories())
        report.directories.push_back(describe_directory(dir, report.attempts));

    if (only_backend) {
        Backend* backend = registry.find(*only_backend);
        if (!backend) {
            report.error = "unknown backend '" + *only_backend + "'; " + registry.backends_summary();
            return report;
        }
        report.backends.push_back(describe_backend(*backend, report.attempts));
        if (!report.backends.back().available)
            report.error = "backend '" + report.backends.back().name +
                           "' is unavailable: " + report.backends.back().reason;
        return report;
    }

#ifdef ANVIL_CUDA_NOT_BUILT_REASON
    if (!registry.find("cuda")) report.not_built.emplace_back("cuda", ANVIL_CUDA_NOT_BUILT_REASON);
#endif
    bool any_available = false;
    for (Backend* backend : registry.backends()) {
        report.backends.push_back(describe_backend(*backend, report.attempts));
        any_available = any_available || report.backends.back().available;
    }
    if (report.backends.empty())
        report.error = "no backend was loaded: no libanvil-<name>.so plugin registered one in the "
                       "directories above (pass --plugin-dir DIR or set ANVIL_PLUGIN_PATH)";
    else if (!any_available)
        report.error = "no backend is available on this machine (see the reasons above)";
    return report;
}

}  // namespace anvil
