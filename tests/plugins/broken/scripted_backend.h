// A backend whose answers are fixed at compile time, for the loader tests' plugins. It never
// hands out a device: create_device fails the way a driver error would, so the tests (and
// anvil-info) also exercise a backend that is available but whose device cannot be opened.
#pragma once

#include <string>

#include "anvil/plugin.h"

namespace anvil {

struct BackendScript {
    const char* name;
    const char* description;
    bool available;
    const char* reason;  // why it is unavailable; empty when available
    int devices;
    int priority;
};

class ScriptedBackend : public Backend {
public:
    explicit ScriptedBackend(const BackendScript& script) : script_(script) {}

    std::string name() const override { return script_.name; }
    std::string description() const override { return script_.description; }
    Availability availability() const override { return {script_.available, script_.reason}; }
    int device_count() const override { return script_.devices; }
    int priority() const override { return script_.priority; }

protected:
    std::shared_ptr<Device> create_device(int index) override {
        throw Error("[" + name() + "] device " + std::to_string(index) +
                    " failed to initialise (simulated driver error)");
    }

private:
    BackendScript script_;
};

}  // namespace anvil
