// Resolves the OpenCL API from the ICD loader at run time (see cl_api.h). The library handle is
// never closed: like the plugin itself, it stays loaded for the life of the process.
#include "cl_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace anvil::opencl {

namespace {

ClApi load_api() {
    ClApi api;
    const char* override_name = std::getenv("ANVIL_OPENCL_LIBRARY");
    const std::string library =
        override_name && *override_name ? override_name : "libOpenCL.so.1";
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        api.problem = "no OpenCL runtime: cannot load " + library + " (" +
                      (why ? why : "unknown reason") +
                      "); install an OpenCL ICD loader and a driver, e.g. Debian's "
                      "ocl-icd-libopencl1 and pocl-opencl-icd";
        return api;
    }
#define ANVIL_CL_RESOLVE_(name)                                                        \
    api.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));              \
    if (!api.name && api.problem.empty())                                              \
        api.problem = "the OpenCL runtime " + library + " lacks " #name " (OpenCL 1.2)";
    ANVIL_CL_FUNCTIONS(ANVIL_CL_RESOLVE_)
#undef ANVIL_CL_RESOLVE_
    return api;
}

}  // namespace

const ClApi& cl() {
    static const ClApi api = load_api();
    return api;
}

}  // namespace anvil::opencl
