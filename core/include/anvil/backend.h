// Backend: a named family of devices (cpu, cuda, reference, ...), implemented by a plugin.
// It reports whether it can run here and, when it cannot, why in words a user can act on.
#pragma once

#include <memory>
#include <string>

#include "anvil/export.h"

namespace anvil {

class Device;

struct Availability {
    bool available = false;
    std::string reason;  // empty when available; otherwise "no CUDA driver found (...)"
};

class ANVIL_EXPORT Backend {
public:
    virtual ~Backend();

    virtual std::string name() const = 0;  // lower case, matched case-insensitively
    virtual std::string description() const = 0;
    virtual Availability availability() const = 0;
    virtual int device_count() const = 0;
    // Used by --backend auto: the available backend with the highest priority wins.
    virtual int priority() const { return 0; }

    // The device with this index, created on first use and shared afterwards (one device
    // object per index per process, so tensors from two calls can meet in one op).
    std::shared_ptr<Device> device(int index = 0);

protected:
    Backend();
    // Creates device `index` (0 <= index < device_count(), checked by device()).
    virtual std::shared_ptr<Device> create_device(int index) = 0;

private:
    struct DeviceCache;
    std::shared_ptr<DeviceCache> cache_;
};

}  // namespace anvil
