// Fused kernels of the composite ops, computing what the core defaults
// (core/src/device_composites.cpp) compute, in one pass each: bias + activation (+ its
// derivative) after the forward GEMM, the whole small-input layer (SIREN's first, 2 inputs),
// the MSE loss partials and gradient, and one Adam step.

// y = act(omega z) for sine, act(z) otherwise; dy = d y / d z. `act` is an ANVIL_ACT_* id.
void anvil_activate(int act, T omega, T z, T* y, T* dy) {
    if (act == ANVIL_ACT_SINE) {
        // sincos: both from one argument reduction, each as accurate as sin and cos alone.
        const T s = omega * z;
        T c;
        *y = sincos(s, &c);
        *dy = omega * c;
    } else if (act == ANVIL_ACT_RELU) {
        *y = anvil_relu(z);
        *dy = anvil_step(z);
    } else if (act == ANVIL_ACT_TANH) {
        const T t = tanh(z);
        *y = t;
        *dy = ANVIL_ONE - t * t;
    } else if (act == ANVIL_ACT_SIGMOID) {
        const T s = anvil_sigmoid(z);
        *y = s;
        *dy = s * (ANVIL_ONE - s);
    } else {  // identity
        *y = z;
        *dy = ANVIL_ONE;
    }
}

// y: (rows, cols) holds x w^T; adds the bias (when given: no bias adds nothing, not +0, which
// would turn -0 into +0), applies the activation and writes its derivative (when given).
kernel void bias_activation(global T* y, global T* dact, global const T* bias, long n,
                            long cols, int act, T omega, int has_bias, int has_dact) {
    const long id = get_global_id(0);
    if (id >= n) return;
    T z = y[id];
    if (has_bias) z += bias[id % cols];
    T value, slope;
    anvil_activate(act, omega, z, &value, &slope);
    y[id] = value;
    if (has_dact) dact[id] = slope;
}

// The same for x: (rows, in) with few inputs: the product x w^T is computed here, in the order
// a GEMM sums it, instead of by a GEMM pass whose output this kernel would read back.
kernel void small_linear_activation(global const T* x, global const T* w, int in, global T* y,
                                    global T* dact, global const T* bias, long n, long cols,
                                    int act, T omega, int has_bias, int has_dact) {
    const long id = get_global_id(0);
    if (id >= n) return;
    const long r = id / cols, col = id % cols;
    T z = ANVIL_ZERO;
    for (int k = 0; k < in; ++k) z += x[r * in + k] * w[col * in + k];
    if (has_bias) z += bias[col];
    T value, slope;
    anvil_activate(act, omega, z, &value, &slope);
    y[id] = value;
    if (has_dact) dact[id] = slope;
}

// Partial sums of (pred - target)^2: group g covers [g * chunk, (g + 1) * chunk); the host
// sums the partials with reduce_rows and divides by n there.
kernel void squared_error_partials(global const T* pred, global const T* target,
                                   global T* partials, long n, long chunk) {
    local T part[ANVIL_REDUCE_GROUP];
    const long g = get_group_id(0);
    const int lid = get_local_id(0), size = get_local_size(0);
    const long begin = g * chunk;
    const long end = min(begin + chunk, n);
    T acc = ANVIL_ZERO;
    for (long k = begin + lid; k < end; k += size) {
        const T d = pred[k] - target[k];
        acc += d * d;
    }
    part[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int w = size / 2; w > 0; w /= 2) {
        if (lid < w) part[lid] += part[lid + w];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) partials[g] = part[0];
}

// grad = scale (pred - target), scale = 2 / n. grad may alias pred or target.
kernel void mse_grad(global const T* pred, global const T* target, global T* grad, long n,
                     T scale) {
    const long i = get_global_id(0);
    if (i < n) grad[i] = scale * (pred[i] - target[i]);
}

// One bias-corrected Adam step per element, as common::adam_step: the coefficients arrive
// computed in double on the host and rounded once to T.
kernel void adam_step(global T* p, global const T* g, global T* m, global T* v, long n, T lr,
                      T beta1, T beta2, T one_minus_beta1, T one_minus_beta2, T eps, T c1,
                      T c2) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const T gi = g[i];
    const T mi = beta1 * m[i] + one_minus_beta1 * gi;
    const T vi = beta2 * v[i] + one_minus_beta2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] -= lr * (mi * c1) / (sqrt(vi * c2) + eps);
}
