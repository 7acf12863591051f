// Symbol visibility. libanvil_core and the plugins compile with hidden visibility; the types
// that cross the plugin boundary (Error, Backend, Device, Buffer, Tensor) and the public API
// are marked ANVIL_EXPORT so there is exactly one copy of each (one registry per process, one
// typeinfo for Error so a backend's throw is caught by the app).
#pragma once

#define ANVIL_EXPORT __attribute__((visibility("default")))
