// Tensor: a shape, a dtype and a reference-counted buffer owned by one device. Storage is
// row-major and contiguous; reshape returns a view sharing the buffer. Data moves between host
// and device only through the explicit calls below (from_host, upload, to_host, to_vector, to).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ranges>
#include <string>
#include <vector>

#include "anvil/dtype.h"
#include "anvil/error.h"
#include "anvil/export.h"
#include "anvil/shape.h"

namespace anvil {

class Device;

// A block of device memory. Its destructor hands the memory back to the device, which the
// buffer keeps alive.
class ANVIL_EXPORT Buffer {
public:
    Buffer(std::shared_ptr<Device> device, void* data, std::size_t bytes);
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    void* data() const { return data_; }
    std::size_t bytes() const { return bytes_; }
    Device& device() const { return *device_; }
    const std::shared_ptr<Device>& device_ptr() const { return device_; }

private:
    std::shared_ptr<Device> device_;
    void* data_;
    std::size_t bytes_;
};

class ANVIL_EXPORT Tensor {
public:
    Tensor() = default;  // undefined: no storage; most calls on it throw

    // Uninitialised storage for `shape` on `device`.
    static Tensor empty(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device);
    static Tensor full(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device,
                       double value);
    static Tensor zeros(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device);
    // Copies `shape.numel()` elements of `dtype` from host memory.
    static Tensor from_host(const void* data, const Shape& shape, DType dtype,
                            const std::shared_ptr<Device>& device);
    template <typename T>
    static Tensor from_vector(const std::vector<T>& values, const Shape& shape,
                              const std::shared_ptr<Device>& device);

    bool defined() const { return static_cast<bool>(buffer_); }
    const Shape& shape() const { return shape_; }
    DType dtype() const { return dtype_; }
    int rank() const { return shape_.rank(); }
    std::int64_t numel() const { return shape_.numel(); }
    std::size_t nbytes() const { return static_cast<std::size_t>(numel()) * dtype_size(dtype_); }
    Device& device() const;
    const std::shared_ptr<Device>& device_ptr() const;

    // The device memory handle (Device::allocate's result), for backends only: opaque to the
    // core and nn, which never dereference it or offset it. data_as<T>() is the same handle
    // as a typed pointer, meaningful only to backends whose handles are addresses (cpu, cuda).
    void* data() const;
    template <typename T> T* data_as() const { return static_cast<T*>(data()); }

    // Overwrites every element from host memory, keeping the storage (a training loop uploads
    // each batch into the same tensor): `values` must hold numel() elements of dtype().
    template <typename Range>
        requires std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range>
    void upload(const Range& values);
    // The untyped form: exactly nbytes() bytes from `src`.
    void upload(const void* src, std::size_t src_bytes);
    // Part of the elements: values.size() of them from element `first` on (checked to fit).
    template <typename Range>
        requires std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range>
    void upload_range(std::int64_t first, const Range& values);
    // The untyped form: src_bytes (whole elements) from element `first` on.
    void upload_range(std::int64_t first, const void* src, std::size_t src_bytes);
    // Copies all elements to host memory of exactly nbytes(); synchronises the device.
    void to_host(void* dst, std::size_t dst_bytes) const;
    // Part of the elements: dst_bytes (whole elements) from element `first` on, e.g. the tail
    // of a tensor too large to read whole.
    void to_host_range(std::int64_t first, void* dst, std::size_t dst_bytes) const;
    template <typename T> std::vector<T> to_vector() const;
    // Elements [first, first + count).
    template <typename T> std::vector<T> to_vector(std::int64_t first, std::int64_t count) const;
    // Reads a one-element tensor as double (synchronises).
    double item() const;

    // A copy of this tensor on `device` (same device: a deep copy). Crosses backends through
    // host staging.
    Tensor to(const std::shared_ptr<Device>& device) const;
    Tensor clone() const;
    // A view with a new shape of the same element count; -1 in one dimension is inferred.
    Tensor reshape(const std::vector<std::int64_t>& dims) const;
    Tensor reshape(const Shape& shape) const { return reshape(shape.dims()); }
    Tensor reshape(std::initializer_list<std::int64_t> dims) const {
        return reshape(std::vector<std::int64_t>(dims));
    }

    bool shares_storage(const Tensor& other) const { return buffer_ && buffer_ == other.buffer_; }
    long storage_use_count() const { return buffer_.use_count(); }
    // "f32 (3,4) on cpu:0", for messages.
    std::string describe() const;

private:
    Tensor(std::shared_ptr<Buffer> buffer, const Shape& shape, DType dtype);
    void require_defined(const char* what) const;
    // Checks that `bytes` from element `first` are whole elements inside this tensor; returns
    // the byte offset of `first`.
    std::size_t range_offset(const char* what, std::int64_t first, std::size_t bytes) const;
    // "[upload] f64 values for f32 (3) on cpu:0" unless T is this tensor's element type.
    template <typename T> void require_upload_dtype() const;
    // "[to_vector] tensor is f32, asked for f64" unless T is this tensor's element type.
    template <typename T> void require_read_dtype() const;

    std::shared_ptr<Buffer> buffer_;
    Shape shape_;
    DType dtype_ = DType::f32;
};

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape,
                           const std::shared_ptr<Device>& device) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel())
        throw Error("[from_vector] " + std::to_string(values.size()) +
                    " values do not fill shape " + shape.to_string());
    return from_host(values.data(), shape, dtype_of<T>::value, device);
}

template <typename T> void Tensor::require_upload_dtype() const {
    require_defined("upload");
    if (dtype_of<T>::value != dtype_)
        throw Error(std::string("[upload] ") + dtype_name(dtype_of<T>::value) + " values for " +
                    describe());
}

template <typename T> void Tensor::require_read_dtype() const {
    require_defined("to_vector");
    if (dtype_of<T>::value != dtype_)
        throw Error(std::string("[to_vector] tensor is ") + dtype_name(dtype_) + ", asked for " +
                    dtype_name(dtype_of<T>::value));
}

template <typename Range>
    requires std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range>
void Tensor::upload(const Range& values) {
    using T = std::ranges::range_value_t<Range>;
    require_upload_dtype<T>();
    const auto count = static_cast<std::int64_t>(std::ranges::size(values));
    if (count != numel())
        throw Error("[upload] " + std::to_string(count) + " values for " + describe() +
                    ", which holds " + std::to_string(numel()));
    upload(std::ranges::data(values), static_cast<std::size_t>(count) * sizeof(T));
}

template <typename Range>
    requires std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range>
void Tensor::upload_range(std::int64_t first, const Range& values) {
    using T = std::ranges::range_value_t<Range>;
    require_upload_dtype<T>();
    upload_range(first, std::ranges::data(values), std::ranges::size(values) * sizeof(T));
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
    require_read_dtype<T>();
    std::vector<T> out(static_cast<std::size_t>(numel()));
    to_host(out.data(), out.size() * sizeof(T));
    return out;
}

template <typename T>
std::vector<T> Tensor::to_vector(std::int64_t first, std::int64_t count) const {
    require_read_dtype<T>();
    if (count < 0)
        throw Error("[to_vector] negative element count " + std::to_string(count));
    std::vector<T> out(static_cast<std::size_t>(count));
    to_host_range(first, out.data(), out.size() * sizeof(T));
    return out;
}

}  // namespace anvil
