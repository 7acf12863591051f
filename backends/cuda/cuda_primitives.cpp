// CudaDevice's primitive ops: the core has validated every argument, so each one makes the
// GPU current and hands raw pointers to its launcher (launch.h); nothing here waits, except
// finish() under ANVIL_CUDA_SYNC=1.
#include "anvil/tensor.h"
#include "cuda_device.h"

namespace anvil::cuda {

void CudaDevice::fill(Tensor& out, double value) {
    launch_fill(activate("fill"), out.dtype(), out.data(), out.numel(), value);
    finish("fill");
}

void CudaDevice::unary(UnaryOp op, const Tensor& x, Tensor& out) {
    launch_unary(activate(op_name(op)), op, x.dtype(), x.data(), out.data(), x.numel());
    finish(op_name(op));
}

void CudaDevice::clip(const Tensor& x, double lo, double hi, Tensor& out) {
    launch_clip(activate("clip"), x.dtype(), x.data(), out.data(), x.numel(), lo, hi);
    finish("clip");
}

void CudaDevice::affine(const Tensor& x, double a, double b, Tensor& out) {
    launch_affine(activate("affine"), x.dtype(), x.data(), out.data(), x.numel(), a, b);
    finish("affine");
}

void CudaDevice::binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                        const Tensor& b, Tensor& out) {
    launch_binary(activate(op_name(op)), op, a.dtype(), geometry, a.data(), b.data(), out.data());
    finish(op_name(op));
}

void CudaDevice::reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                        Tensor& out) {
    launch_reduce(activate(op_name(op)), op, x.dtype(), geometry, x.data(), out.data());
    finish(op_name(op));
}

void CudaDevice::argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) {
    launch_argmax(activate("argmax"), x.dtype(), geometry, x.data(),
                  out.data_as<std::int64_t>());
    finish("argmax");
}

void CudaDevice::transpose2d(const Tensor& x, Tensor& out) {
    launch_transpose2d(activate("transpose"), x.dtype(), x.data(), out.data(), x.shape()[0],
                       x.shape()[1]);
    finish("transpose");
}

}  // namespace anvil::cuda
