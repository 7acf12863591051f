// What anvil-info reports: the plugin directories searched, every file tried, and each backend
// with its availability, devices and capabilities. Collected once from the registry, then
// printed as text or JSON (info_text.cpp, info_json.cpp), so both views say the same thing.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "anvil/device.h"
#include "anvil/dtype.h"
#include "anvil/op.h"
#include "anvil/registry.h"

namespace anvil {

// The dtypes a capability table has columns for.
inline constexpr std::array<DType, 3> kInfoDTypes{DType::f32, DType::f64, DType::i64};

struct DeviceReport {
    int index = 0;
    std::string error;  // non-empty when the device could not be created or queried
    std::string name;
    std::string description;
    MemoryInfo memory;
    // supported[d][op]: whether op runs for kInfoDTypes[d].
    std::array<std::array<bool, kOpCount>, kInfoDTypes.size()> supported{};
};

struct BackendReport {
    std::string name;
    std::string description;
    std::string file;  // the plugin it came from
    bool available = false;
    std::string reason;
    int priority = 0;
    int device_count = 0;
    std::vector<DeviceReport> devices;  // created for available backends only
};

// A searched directory together with how many libanvil-*.so files and other files it held.
struct DirectoryReport {
    SearchDirectory directory;
    int plugin_files = 0;
    int other_files = 0;
};

struct InfoReport {
    std::string version;
    int abi_version = 0;
    std::vector<DirectoryReport> directories;
    std::vector<LoadAttempt> attempts;
    std::vector<BackendReport> backends;  // all, or just the one asked for
    // Backends of this source tree that this build of anvil left out, and why ("cuda": no
    // CUDA compiler was found), when no plugin registered a backend of that name anyway.
    std::vector<std::pair<std::string, std::string>> not_built;
    std::string error;                    // why anvil-info exits with status 1, if it does
};

// Loads plugins from `plugin_dirs` (then the default places) and describes what was found.
// With `only_backend`, backends holds just that one (matched case-insensitively) and the
// report's error says so when it is unknown or unavailable.
InfoReport collect_report(const std::vector<std::string>& plugin_dirs,
                          const std::optional<std::string>& only_backend);

// A stable identifier for JSON ("open_failed"); load_outcome_name() is the human wording.
const char* load_outcome_id(LoadOutcome outcome);

void print_text(const InfoReport& report, bool detailed);
void print_json(const InfoReport& report);

}  // namespace anvil
