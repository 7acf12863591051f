// Tensor storage, views and explicit host/device transfers.
#include "anvil/tensor.h"

#include "anvil/device.h"
#include "anvil/ops.h"

namespace anvil {

Buffer::Buffer(std::shared_ptr<Device> device, void* data, std::size_t bytes)
    : device_(std::move(device)), data_(data), bytes_(bytes) {}

Buffer::~Buffer() {
    if (data_) device_->deallocate(data_, bytes_);
}

Tensor::Tensor(std::shared_ptr<Buffer> buffer, const Shape& shape, DType dtype)
    : buffer_(std::move(buffer)), shape_(shape), dtype_(dtype) {}

Tensor Tensor::empty(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device) {
    if (!device) throw Error("[empty] no device given");
    const std::size_t bytes = static_cast<std::size_t>(shape.numel()) * dtype_size(dtype);
    void* data = device->allocate(bytes);
    try {
        return Tensor(std::make_shared<Buffer>(device, data, bytes), shape, dtype);
    } catch (...) {
        if (data) device->deallocate(data, bytes);
        throw;
    }
}

Tensor Tensor::full(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device,
                    double value) {
    Tensor t = empty(shape, dtype, device);
    fill_(t, value);
    return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, const std::shared_ptr<Device>& device) {
    return full(shape, dtype, device, 0.0);
}

Tensor Tensor::from_host(const void* data, const Shape& shape, DType dtype,
                         const std::shared_ptr<Device>& device) {
    Tensor t = empty(shape, dtype, device);
    if (t.nbytes() > 0) {
        if (!data) throw Error("[from_host] null host pointer for " + t.describe());
        device->copy_from_host(t.data(), 0, data, t.nbytes());
    }
    return t;
}

void Tensor::require_defined(const char* what) const {
    if (!buffer_) throw Error(std::string("[") + what + "] tensor is undefined (no storage)");
}

Device& Tensor::device() const {
    require_defined("device");
    return buffer_->device();
}

const std::shared_ptr<Device>& Tensor::device_ptr() const {
    require_defined("device");
    return buffer_->device_ptr();
}

void* Tensor::data() const {
    require_defined("data");
    return buffer_->data();
}

void Tensor::upload(const void* src, std::size_t src_bytes) {
    require_defined("upload");
    if (src_bytes != nbytes())
        throw Error("[upload] source holds " + std::to_string(src_bytes) + " bytes, " +
                    describe() + " needs " + std::to_string(nbytes()));
    if (nbytes() == 0) return;
    if (!src) throw Error("[upload] null host pointer for " + describe());
    buffer_->device().copy_from_host(buffer_->data(), 0, src, nbytes());
}

std::size_t Tensor::range_offset(const char* what, std::int64_t first, std::size_t bytes) const {
    const std::size_t element = dtype_size(dtype_);
    const auto count = static_cast<std::int64_t>(bytes / element);
    if (bytes % element != 0)
        throw Error(std::string("[") + what + "] " + std::to_string(bytes) +
                    " bytes are not whole elements of " + describe());
    if (first < 0 || first > numel() || count > numel() - first)
        throw Error(std::string("[") + what + "] elements [" + std::to_string(first) + ", " +
                    std::to_string(first + count) + ") are outside " + describe());
    return static_cast<std::size_t>(first) * element;
}

void Tensor::upload_range(std::int64_t first, const void* src, std::size_t src_bytes) {
    require_defined("upload");
    const std::size_t offset = range_offset("upload", first, src_bytes);
    if (src_bytes == 0) return;
    if (!src) throw Error("[upload] null host pointer for " + describe());
    buffer_->device().copy_from_host(buffer_->data(), offset, src, src_bytes);
}

void Tensor::to_host(void* dst, std::size_t dst_bytes) const {
    require_defined("to_host");
    if (dst_bytes != nbytes())
        throw Error("[to_host] destination holds " + std::to_string(dst_bytes) + " bytes, " +
                    describe() + " needs " + std::to_string(nbytes()));
    if (nbytes() > 0) buffer_->device().copy_to_host(dst, buffer_->data(), 0, nbytes());
}

void Tensor::to_host_range(std::int64_t first, void* dst, std::size_t dst_bytes) const {
    require_defined("to_host");
    const std::size_t offset = range_offset("to_host", first, dst_bytes);
    if (dst_bytes > 0) buffer_->device().copy_to_host(dst, buffer_->data(), offset, dst_bytes);
}

double Tensor::item() const {
    require_defined("item");
    if (numel() != 1) throw Error("[item] " + describe() + " does not hold exactly one element");
    switch (dtype_) {
        case DType::f32: return to_vector<float>()[0];
        case DType::f64: return to_vector<double>()[0];
        case DType::i64: return static_cast<double>(to_vector<std::int64_t>()[0]);
    }
    return 0.0;
}

Tensor Tensor::to(const std::shared_ptr<Device>& device) const {
    require_defined("to");
    Tensor out = empty(shape_, dtype_, device);
    copy_into(*this, out);
    return out;
}

Tensor Tensor::clone() const {
    require_defined("clone");
    return to(buffer_->device_ptr());
}

Tensor Tensor::reshape(const std::vector<std::int64_t>& dims_in) const {
    require_defined("reshape");
    std::vector<std::int64_t> dims = dims_in;
    int inferred = -1;
    std::int64_t known = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == -1 && inferred < 0) {
            inferred = static_cast<int>(i);
        } else if (dims[i] < 0) {
            throw Error("[reshape] invalid dimension " + std::to_string(dims[i]) +
                        " (only one -1 may be inferred)");
        } else {
            known *= dims[i];
        }
    }
    if (inferred >= 0) {
        if (known == 0 || numel() % known != 0)
            throw Error("[reshape] cannot infer -1: " + std::to_string(numel()) +
                        " elements do not divide by " + std::to_string(known));
        dims[static_cast<std::size_t>(inferred)] = numel() / known;
    }
    Shape shape(std::move(dims));
    if (shape.numel() != numel())
        throw Error("[reshape] cannot view " + shape_.to_string() + " (" +
                    std::to_string(numel()) + " elements) as " + shape.to_string());
    return Tensor(buffer_, shape, dtype_);
}

std::string Tensor::describe() const {
    if (!buffer_) return "undefined tensor";
    return std::string(dtype_name(dtype_)) + " " + shape_.to_string() + " on " +
           buffer_->device().name();
}

}  // namespace anvil
