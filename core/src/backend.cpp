// Backend's device cache and the out-of-line destructors that anchor the exported vtables.
#include "anvil/backend.h"

#include <map>
#include <mutex>

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/registry.h"

namespace anvil {

struct Backend::DeviceCache {
    std::mutex mutex;
    std::map<int, std::shared_ptr<Device>> devices;
};

Backend::Backend() : cache_(std::make_shared<DeviceCache>()) {}
Backend::~Backend() = default;
Device::~Device() = default;

std::shared_ptr<Device> Backend::device(int index) {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    auto it = cache_->devices.find(index);
    if (it != cache_->devices.end()) return it->second;
    const Availability avail = availability();
    if (!avail.available)
        throw Error("[device] backend '" + name() + "' is unavailable: " + avail.reason);
    const int count = device_count();
    if (index < 0 || index >= count)
        throw Error("[device] " + name() + ":" + std::to_string(index) + " does not exist (" +
                    device_count_text(count) + ")");
    std::shared_ptr<Device> created = create_device(index);
    if (!created) throw Error("[device] backend '" + name() + "' returned no device");
    cache_->devices.emplace(index, created);
    return created;
}

}  // namespace anvil
