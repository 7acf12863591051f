// Element semantics every kernel shares: the OpenCL C twin of backends/common/elementwise.h
// (NaN through clip, maximum, minimum and relu; the overflow-free sigmoid and softplus; relu's
// derivative 0 at 0). T is float or double, defined by the program's generated header. The
// built-in exp, log, sin, ... are OpenCL's full-accuracy ones: the plugin never builds with
// -cl-fast-relaxed-math and never calls native_* or half_*.

#define ANVIL_ZERO ((T)0)
#define ANVIL_ONE ((T)1)

int anvil_is_nan(T x) { return x != x; }

// exp of a non-positive number never overflows, so each branch is finite for any finite x.
T anvil_sigmoid(T x) {
    if (x >= ANVIL_ZERO) {
        const T z = exp(-x);
        return ANVIL_ONE / (ANVIL_ONE + z);
    }
    const T z = exp(x);
    return z / (ANVIL_ONE + z);
}

// relu(NaN) = NaN, relu(-0) = -0.
T anvil_relu(T x) { return x < ANVIL_ZERO ? ANVIL_ZERO : x; }

// Heaviside step, relu's derivative: 0 at x == 0 (PyTorch's convention), NaN stays NaN.
T anvil_step(T x) { return anvil_is_nan(x) ? x : (x > ANVIL_ZERO ? ANVIL_ONE : ANVIL_ZERO); }

// log(1 + e^x) as max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for very
// negative x.
T anvil_softplus(T x) { return (x > ANVIL_ZERO ? x : ANVIL_ZERO) + log1p(exp(-fabs(x))); }

// NaN passes through: comparisons with NaN are false.
T anvil_clip(T x, T lo, T hi) { return x < lo ? lo : (x > hi ? hi : x); }

// NumPy's maximum/minimum: NaN in either operand gives NaN.
T anvil_maximum(T a, T b) {
    if (anvil_is_nan(a) || anvil_is_nan(b)) return anvil_is_nan(a) ? a : b;
    return a > b ? a : b;
}
T anvil_minimum(T a, T b) {
    if (anvil_is_nan(a) || anvil_is_nan(b)) return anvil_is_nan(a) ? a : b;
    return a < b ? a : b;
}
