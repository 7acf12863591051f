// OpenclDevice's memory: cl_mem buffers as the core's opaque handles, uploads that are
// asynchronous yet never read freed host memory, reads that wait, and out-of-memory errors that
// name the bytes.
#include <cstring>

#include "cl_error.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {
// Uploads up to this size go through a host copy owned by the device and stay asynchronous;
// larger ones, and any while this much is already waiting, block until written instead.
constexpr std::size_t kStagingLimit = std::size_t{64} << 20;
}  // namespace

void* OpenclDevice::allocate(std::size_t bytes) {
    if (bytes == 0) return nullptr;  // OpenCL has no empty buffers; the core holds nullptr
    const auto refuse = [&](const std::string& why) {
        throw OutOfMemoryError("[allocate] out of memory on " + name_ + ": cannot allocate " +
                                   format_bytes(bytes) + " (" + std::to_string(bytes) +
                                   " bytes): " + why,
                               bytes);
    };
    if (bytes > info_.max_allocation)
        refuse("the device's largest buffer is " +
               format_bytes(static_cast<std::size_t>(info_.max_allocation)) +
               " (CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
    const MemoryInfo m = memory_info();
    if (bytes > m.free_bytes)
        refuse(format_bytes(m.free_bytes) + " of " + format_bytes(m.total_bytes) +
               " left (CL_DEVICE_GLOBAL_MEM_SIZE less this process's buffers)");
    cl_int status = CL_SUCCESS;
    cl_mem buffer = cl().clCreateBuffer(context_, CL_MEM_READ_WRITE, bytes, nullptr, &status);
    if (status != CL_SUCCESS) {
        if (is_out_of_memory(status)) refuse(cl_failure("clCreateBuffer", status));
        check(status, "clCreateBuffer", "allocate", name_ + ", " + std::to_string(bytes) + " bytes");
    }
    live_bytes_ += bytes;
    return buffer;
}

void OpenclDevice::deallocate(void* handle, std::size_t bytes) noexcept {
    if (!handle) return;
    // Commands still queued that use the buffer keep it alive: OpenCL deletes a released
    // memory object only after they finish.
    cl().clReleaseMemObject(static_cast<cl_mem>(handle));
    live_bytes_ -= bytes;
}

void OpenclDevice::release_staging(bool all) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < staged_.size(); ++i) {
        Staged& s = staged_[i];
        cl_int state = CL_COMPLETE;
        if (!all)
            cl().clGetEventInfo(s.done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(state), &state,
                                nullptr);
        // A negative state is a failed command: its data is no longer needed either.
        if (state == CL_COMPLETE || state < 0) {
            cl().clReleaseEvent(s.done);
            staged_bytes_ -= s.bytes;
            continue;
        }
        staged_[kept++] = std::move(s);
    }
    staged_.resize(kept);
}

void OpenclDevice::copy_from_host(void* dst, std::size_t dst_offset, const void* src,
                                  std::size_t bytes) {
    if (bytes == 0) return;
    const std::string detail = name_ + ", " + std::to_string(bytes) + " bytes";
    release_staging(false);
    if (bytes > kStagingLimit || staged_bytes_ + bytes > kStagingLimit) {
        // Blocking: returns once src has been read, so the caller may free it at once.
        check(cl().clEnqueueWriteBuffer(queue_, static_cast<cl_mem>(dst), CL_TRUE, dst_offset,
                                        bytes, src, 0, nullptr, nullptr),
              "clEnqueueWriteBuffer", "from_host", detail);
        return;
    }
    // A non-blocking write may read src at any time until it completes, and the callers free
    // or reuse src as soon as this returns: so the queue reads a copy that lives here.
    Staged s;
    s.data.reset(new unsigned char[bytes]);
    std::memcpy(s.data.get(), src, bytes);
    s.bytes = bytes;
    check(cl().clEnqueueWriteBuffer(queue_, static_cast<cl_mem>(dst), CL_FALSE, dst_offset, bytes,
                                    s.data.get(), 0, nullptr, &s.done),
          "clEnqueueWriteBuffer", "from_host", detail);
    staged_bytes_ += bytes;
    staged_.push_back(std::move(s));
}

void OpenclDevice::copy_to_host(void* dst, const void* src, std::size_t src_offset,
                                std::size_t bytes) {
    if (bytes == 0) return;
    // Blocking read: in an in-order queue it also waits for all work queued before it.
    check(cl().clEnqueueReadBuffer(queue_, static_cast<cl_mem>(const_cast<void*>(src)), CL_TRUE,
                                   src_offset, bytes, dst, 0, nullptr, nullptr),
          "clEnqueueReadBuffer", "to_host", name_ + ", " + std::to_string(bytes) + " bytes");
    release_staging(true);
}

void OpenclDevice::copy_on_device(void* dst, const void* src, std::size_t bytes) {
    if (bytes == 0) return;
    check(cl().clEnqueueCopyBuffer(queue_, static_cast<cl_mem>(const_cast<void*>(src)),
                                   static_cast<cl_mem>(dst), 0, 0, bytes, 0, nullptr, nullptr),
          "clEnqueueCopyBuffer", "copy", name_ + ", " + std::to_string(bytes) + " bytes");
}

void OpenclDevice::synchronize() {
    check(cl().clFinish(queue_), "clFinish", "synchronize", name_);
    release_staging(true);
}

}  // namespace anvil::opencl
