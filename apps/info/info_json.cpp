// anvil-info's JSON view (--json): the same report as the text view, for scripts and tests.
// Capabilities are listed per dtype as arrays of op names.
#include <iostream>

#include <nlohmann/json.hpp>

#include "info_report.h"

namespace anvil {

namespace {

using nlohmann::json;

json device_json(const DeviceReport& d) {
    json out = {{"index", d.index}};
    if (!d.error.empty()) {
        out["error"] = d.error;
        return out;
    }
    out["name"] = d.name;
    out["description"] = d.description;
    out["memory"] = {{"total_bytes", d.memory.total_bytes}, {"free_bytes", d.memory.free_bytes}};
    json supports = json::object();
    for (std::size_t t = 0; t < kInfoDTypes.size(); ++t) {
        json ops = json::array();
        for (int op = 0; op < kOpCount; ++op)
            if (d.supported[t][static_cast<std::size_t>(op)]) ops.push_back(op_name(static_cast<Op>(op)));
        supports[dtype_name(kInfoDTypes[t])] = ops;
    }
    out["supports"] = supports;
    return out;
}

json backend_json(const BackendReport& b) {
    json devices = json::array();
    for (const DeviceReport& d : b.devices) devices.push_back(device_json(d));
    return {{"name", b.name},         {"description", b.description},
            {"file", b.file},         {"available", b.available},
            {"reason", b.reason},     {"priority", b.priority},
            {"device_count", b.device_count}, {"devices", devices}};
}

}  // namespace

void print_json(const InfoReport& report) {
    json dirs = json::array();
    for (const DirectoryReport& d : report.directories)
        dirs.push_back({{"path", d.directory.path},
                        {"origin", d.directory.origin},
                        {"exists", d.directory.exists},
                        {"plugin_files", d.plugin_files},
                        {"other_files", d.other_files}});
    json attempts = json::array();
    for (const LoadAttempt& a : report.attempts)
        attempts.push_back({{"path", a.path},
                            {"outcome", load_outcome_id(a.outcome)},
                            {"outcome_text", load_outcome_name(a.outcome)},
                            {"detail", a.detail},
                            {"variant", a.variant},
                            {"score", a.score},
                            {"backends", a.backends}});
    json backends = json::array();
    for (const BackendReport& b : report.backends) backends.push_back(backend_json(b));
    json out = {{"version", report.version},
                {"abi_version", report.abi_version},
                {"search_directories", dirs},
                {"attempts", attempts},
                {"backends", backends}};
    json not_built = json::array();
    for (const auto& [name, reason] : report.not_built)
        not_built.push_back({{"name", name}, {"reason", reason}});
    out["not_built"] = not_built;
    if (!report.error.empty()) out["error"] = report.error;
    std::cout << out.dump(2) << "\n";
}

}  // namespace anvil
