// The LSTM cell, with Chainer's gate layout.
//
// x has shape (batch, 4 * units) and holds, for unit u, the pre-activations of the four
// gates at columns 4u + 0..3, in the order a (cell input), i (input), f (forget), o (output):
//
//   a = tanh(x_a)  i = sigmoid(x_i)  f = sigmoid(x_f)  o = sigmoid(x_o)
//   c = a * i + f * c_prev            h = o * tanh(c)
//
// Entry points (S = float16 | float32 | float64, T = __half | float | double):
//   kusari_lstm_forward_S(const T* c_prev, const T* x, T* c, T* h, long long batch,
//                         long long units)
//   kusari_lstm_backward_S(const T* c_prev, const T* x, const T* c, const T* gc, const T* gh,
//                          T* gc_prev, T* gx, long long batch, long long units)
// The backward pass recomputes the gates from x; gc and gh are the gradients of c and h.
#include "kusari_common.cuh"

namespace {

template <typename T>
__device__ void lstm_forward(const T* c_prev, const T* x, T* c, T* h, long long batch,
                             long long units) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(k, batch * units) {
        const T* gates = x + 4 * k;  // row b, unit u: 4 * (b * units + u) == 4 * k
        const C a = tanh(kusari::load(gates[0]));
        const C i = kusari::sigmoid(kusari::load(gates[1]));
        const C f = kusari::sigmoid(kusari::load(gates[2]));
        const C o = kusari::sigmoid(kusari::load(gates[3]));
        const C cell = a * i + f * kusari::load(c_prev[k]);
        c[k] = kusari::store<T>(cell);
        h[k] = kusari::store<T>(o * tanh(cell));
    }
}

template <typename T>
__device__ void lstm_backward(const T* c_prev, const T* x, const T* c, const T* gc,
                              const T* gh, T* gc_prev, T* gx, long long batch,
                              long long units) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(k, batch * units) {
        const T* gates = x + 4 * k;
        const C a = tanh(kusari::load(gates[0]));
        const C i = kusari::sigmoid(kusari::load(gates[1]));
        const C f = kusari::sigmoid(kusari::load(gates[2]));
        const C o = kusari::sigmoid(kusari::load(gates[3]));
        const C tanh_c = tanh(kusari::load(c[k]));
        const C grad_h = kusari::load(gh[k]);
        const C grad_c = kusari::load(gc[k]) + grad_h * o * (C(1) - tanh_c * tanh_c);
        T* out = gx + 4 * k;
        out[0] = kusari::store<T>(grad_c * i * (C(1) - a * a));
        out[1] = kusari::store<T>(grad_c * a * i * (C(1) - i));
        out[2] = kusari::store<T>(grad_c * kusari::load(c_prev[k]) * f * (C(1) - f));
        out[3] = kusari::store<T>(grad_h * tanh_c * o * (C(1) - o));
        gc_prev[k] = kusari::store<T>(grad_c * f);
    }
}

}  // namespace

#define KUSARI_LSTM_ENTRIES(S, T)                                                            \
    extern "C" __global__ void kusari_lstm_forward_##S(const T* c_prev, const T* x, T* c,    \
                                                       T* h, long long batch,                \
                                                       long long units) {                    \
        lstm_forward<T>(c_prev, x, c, h, batch, units);                                      \
    }                                                                                        \
    extern "C" __global__ void kusari_lstm_backward_##S(                                     \
        const T* c_prev, const T* x, const T* c, const T* gc, const T* gh, T* gc_prev,       \
        T* gx, long long batch, long long units) {                                           \
        lstm_backward<T>(c_prev, x, c, gc, gh, gc_prev, gx, batch, units);                   \
    }

KUSARI_LSTM_ENTRIES(float16, __half)
KUSARI_LSTM_ENTRIES(float32, float)
KUSARI_LSTM_ENTRIES(float64, double)
