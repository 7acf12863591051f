// anvil-info: where anvil looked for plugins, what each file did when loaded, and which
// backends, devices and ops are usable here. Exit status: 0 when a backend is available (or the
// one named with --backend is), 1 when none is, 2 for a bad command line.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "info_report.h"

namespace {

constexpr int kExitUnavailable = 1;
constexpr int kExitUsage = 2;

// A --plugin-dir that is missing is a typo worth stopping for, unlike a stale entry in
// ANVIL_PLUGIN_PATH (which the report shows as missing).
std::optional<std::string> check_plugin_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status)) return "--plugin-dir '" + dir + "' does not exist";
    if (!fs::is_directory(status)) return "--plugin-dir '" + dir + "' is not a directory";
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"anvil-info: lists the plugin directories searched, every plugin file tried with "
                 "its outcome, and each backend with its availability, devices and supported "
                 "ops.\nExit status: 0 when a backend is available (with --backend: that one), "
                 "1 when none is, 2 for a bad command line.",
                 "anvil-info"};
    std::vector<std::string> plugin_dirs;
    std::string backend;
    bool json = false;
    app.add_option("--plugin-dir", plugin_dirs,
                   "Also search DIR for libanvil-*.so plugins, before ANVIL_PLUGIN_PATH and the "
                   "directory next to libanvil_core.so (repeatable)")
        ->type_name("DIR");
    app.add_option("--backend", backend,
                   "Describe only this backend (case-insensitive), with its full op x dtype table")
        ->type_name("NAME");
    app.add_flag("--json", json, "Print the report as JSON on stdout");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help
        std::fprintf(stderr, "anvil-info: %s (see --help)\n", e.what());
        return kExitUsage;
    }

    for (const std::string& dir : plugin_dirs) {
        if (const auto problem = check_plugin_dir(dir)) {
            std::fprintf(stderr, "anvil-info: %s\n", problem->c_str());
            return kExitUsage;
        }
    }

    try {
        const std::optional<std::string> only =
            backend.empty() ? std::nullopt : std::optional<std::string>(backend);
        const anvil::InfoReport report = anvil::collect_report(plugin_dirs, only);
        if (json) anvil::print_json(report);
        else anvil::print_text(report, only.has_value());
        std::fflush(stdout);
        if (!report.error.empty()) {
            std::fprintf(stderr, "anvil-info: %s\n", report.error.c_str());
            return kExitUnavailable;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "anvil-info: %s\n", e.what());
        return kExitUnavailable;
    }
    return 0;
}
