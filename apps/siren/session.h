// Choosing where anvil-siren runs: loads the backend plugins (with any --plugin-dir), resolves
// --backend (a name, or auto = the best available one, which is printed) and --device, and
// lists the backends for --list-backends. Only the registry's public API, never a backend.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "anvil/anvil.h"

namespace anvil::siren {

struct Placement {
    Backend* backend = nullptr;
    std::shared_ptr<Device> device;
};

// Throws UsageError for an unknown backend name (listing the available ones and why each
// unavailable one is unavailable) or a device index the backend does not have, and
// anvil::Error for a known backend that cannot run here. `announce` receives the line
// naming the backend that auto picked.
Placement open_device(const std::string& backend_name, int device_index,
                      const std::vector<std::string>& plugin_dirs,
                      const std::function<void(const std::string&)>& announce);

// "--plugin-dir X does not exist, --plugin-dir Y is not a directory" for the directories that
// are not directories; empty when all are. open_device warns with it on stderr (even with
// --quiet) and adds it to an unknown backend's error; --list-backends prints it.
std::string missing_plugin_dirs(const std::vector<std::string>& plugin_dirs);

// The --list-backends text: each backend with its availability (or the reason it is
// unavailable), its devices, and every plugin load that failed.
void list_backends(std::ostream& out, const std::vector<std::string>& plugin_dirs);

}  // namespace anvil::siren
