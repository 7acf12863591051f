// ReferenceDevice's identity, capability query, memory and transfers. Its memory is ordinary
// host memory and every call completes before it returns, so transfers are memcpy and
// synchronize has nothing to wait for.
#include "reference_device.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace anvil::reference {

std::string ReferenceDevice::description() const {
    return "host memory, one thread, plain loops";
}

// Physical memory as the OS reports it; a GPU backend would ask its driver instead.
MemoryInfo ReferenceDevice::memory_info() const {
    const long page = sysconf(_SC_PAGESIZE);
    const long total = sysconf(_SC_PHYS_PAGES);
    const long avail = sysconf(_SC_AVPHYS_PAGES);
    MemoryInfo info;
    if (page > 0 && total > 0) info.total_bytes = static_cast<std::size_t>(total) * page;
    if (page > 0 && avail > 0) info.free_bytes = static_cast<std::size_t>(avail) * page;
    return info;
}

// The truth about what this device computes. The core asks before every dispatch and refuses
// anything answered false with a clear error, so "false" is always safe and "true" is a
// promise the conformance suite holds us to. The cases come from the op table (anvil/op.h):
// each family's kernel (apply_unary, apply_binary, the reductions) switches over its enum
// without default:, so an op added to the table fails to compile here until it has a case.
bool ReferenceDevice::supports(Op op, DType dtype) const {
    const bool floating = dtype == DType::f32 || dtype == DType::f64;
#define ANVIL_CASE_(name, id) case Op::name:
    switch (op) {
        // Moving bytes does not care what they mean: i64 too (argmax results).
        case Op::fill:
        case Op::copy:
            return true;
        // Primitives, written once as templates over float and double.
        case Op::gemm: case Op::clip: case Op::affine: case Op::argmax: case Op::transpose:
        ANVIL_UNARY_OPS(ANVIL_CASE_)
        ANVIL_BINARY_OPS(ANVIL_CASE_)
        ANVIL_REDUCE_OPS(ANVIL_CASE_)
            return floating;
        // Composites: not overridden here, the core's defaults compose them from the
        // primitives above, so they work for exactly the dtypes those primitives do.
        ANVIL_COMPOSITE_OPS(ANVIL_CASE_)
            return floating;
    }
#undef ANVIL_CASE_
    return false;  // an op newer than this plugin: never promise what was not built
}

// The core never asks for a size it cannot represent and treats nullptr from allocate(0) as
// an empty buffer. A failed allocation must throw OutOfMemoryError (never return nullptr):
// the app turns it into advice such as "try a smaller --batch".
void* ReferenceDevice::allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;
    // malloc's alignment (16 bytes on x86-64 glibc) suits every dtype anvil has.
    void* ptr = std::malloc(bytes);
    if (!ptr)
        throw OutOfMemoryError("[allocate] reference:0 could not allocate " +
                                   format_bytes(bytes) + " of host memory",
                               bytes);
    return ptr;
}

void ReferenceDevice::deallocate(void* ptr, std::size_t /*bytes*/) noexcept { std::free(ptr); }

// The handle is this backend's own business: here it is a host address, so the offset is
// pointer arithmetic. (Nothing outside the backend may do that; the opencl backend's handles
// are cl_mem objects, and its offsets go to the OpenCL calls.)
void ReferenceDevice::copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                                     std::size_t bytes) {
    std::memcpy(static_cast<unsigned char*>(dst) + dst_offset, src, bytes);
}

// Must not return before dst holds the data; a memcpy is trivially synchronous.
void ReferenceDevice::copy_to_host(void* dst, const void* src, std::size_t src_offset,
                                   std::size_t bytes) {
    std::memcpy(dst, static_cast<const unsigned char*>(src) + src_offset, bytes);
}

void ReferenceDevice::copy_on_device(void* dst, const void* src, std::size_t bytes) {
    std::memcpy(dst, src, bytes);
}

// Every kernel below runs to completion before returning, so there is never pending work.
// An asynchronous backend (CUDA) waits for its stream here.
void ReferenceDevice::synchronize() {}

}  // namespace anvil::reference
