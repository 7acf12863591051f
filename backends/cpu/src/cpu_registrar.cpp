// The cpu plugin's registration, compiled for the baseline ISA. In an ISA variant
// (ANVIL_CPU_LEVEL = 2, 3 or 4: libanvil-cpu-x86-64-vN.so) it checks the running CPU
// (cpu_isa.h) and registers the variant with its score, so that the core constructs the
// backend, whose code is built for that level, only when the CPU can run it and no better
// variant is there. In the single build (ANVIL_CPU_LEVEL = 0: native or non-x86) it registers
// the backend directly. This is the plugin's only static initialiser: the ISA-specific objects
// have none (checked by the cpu.variant_objects_have_no_static_init test).
#include <cstdlib>

#include "anvil/plugin.h"
#include "cpu_isa.h"

namespace anvil::cpu {
Backend* make_backend();  // cpu_device.cpp, built for the variant's ISA
}

namespace {

anvil::Backend* make_cpu_backend() { return anvil::cpu::make_backend(); }

#define ANVIL_STRINGIFY_(x) #x
#define ANVIL_STRINGIFY(x) ANVIL_STRINGIFY_(x)

struct CpuRegistrar {
    CpuRegistrar() noexcept {
#if ANVIL_CPU_LEVEL > 0
        char buffer[96];
        const anvil::cpu::VariantScore s = anvil::cpu::score_variant(
            ANVIL_CPU_LEVEL, anvil::cpu::read_cpuid(), std::getenv("ANVIL_CPU_VARIANT"), buffer);
        anvil::anvil_register_backend_variant(ANVIL_ABI_VERSION, "cpu", "x86-64-v" ANVIL_STRINGIFY(ANVIL_CPU_LEVEL),
                                              s.score, s.reason, &make_cpu_backend);
#else
        anvil::anvil_register_backend(ANVIL_ABI_VERSION, &make_cpu_backend);
#endif
    }
} cpu_registrar_instance;

}  // namespace
