// What a backend plugin includes to register itself. Put ANVIL_REGISTER_BACKEND(MyBackend)
// in one .cpp of the plugin: when the .so is loaded, a static registrar hands the core a
// factory together with the ABI version the plugin was compiled against. The core refuses a
// different version (naming both numbers) and records any exception the factory throws; no
// exception ever escapes the registrar.
#pragma once

#include "anvil/backend.h"
#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/export.h"
#include "anvil/tensor.h"

// Bump whenever a type that crosses the plugin boundary changes layout or virtual table (a
// new virtual in Device, a field in a geometry struct). Appending an op to the table in op.h
// needs no bump: op ids never move, and a plugin answers supports() = false for ids it does
// not know, so the core refuses the new op on it with the usual message.
// Version 2: Device's host transfers take a byte offset beside the device handle (memory
// handles are opaque, e.g. an OpenCL cl_mem, so nobody may offset them as addresses).
#define ANVIL_ABI_VERSION 2

namespace anvil {

using BackendFactory = Backend* (*)();

// Called by registrars. Never throws; failures are recorded in the load report.
extern "C" ANVIL_EXPORT void anvil_register_backend(int abi_version, BackendFactory factory) noexcept;

// For a backend built several times, one plugin file per instruction set ("variant", e.g. the
// cpu backend's libanvil-cpu-x86-64-v2/-v3/-v4.so). Each file's registrar, compiled for the
// baseline ISA, checks the running CPU and reports a score: > 0 when the variant can run
// (higher is better), 0 when it cannot, with `reason` (copied) saying why. The core calls the
// factory of a variant only when it beats every variant of `backend` registered so far, keeps
// the best one under the name `backend`, and records for each file whether it was chosen or
// why not (unsupported here, or a lower score than the chosen one). So a variant's own code,
// built for its ISA, never runs on a CPU that lacks it. A new entry point, not a changed
// type: ANVIL_ABI_VERSION stays (plugins using only anvil_register_backend are unaffected).
extern "C" ANVIL_EXPORT void anvil_register_backend_variant(int abi_version, const char* backend,
                                                            const char* variant, int score,
                                                            const char* reason,
                                                            BackendFactory factory) noexcept;

}  // namespace anvil

#define ANVIL_REGISTER_BACKEND(BackendClass)                                              \
    namespace {                                                                            \
    ::anvil::Backend* anvil_make_backend_() { return new BackendClass(); }                 \
    struct AnvilBackendRegistrar_ {                                                        \
        AnvilBackendRegistrar_() noexcept {                                                \
            ::anvil::anvil_register_backend(ANVIL_ABI_VERSION, &anvil_make_backend_);      \
        }                                                                                  \
    } anvil_backend_registrar_instance_;                                                   \
    }
