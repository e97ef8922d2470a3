// In-place optimizer updates, one thread per parameter element (grid-stride loop).
//
// Entry points (S = float16 | float32 | float64, T = __half | float | double, C = float for
// float16 and float32, double for float64); hyperparameters are passed as C:
//
//   kusari_momentum_sgd_S(T* param, const T* grad, T* v, C lr, C momentum, long long n)
//       v = momentum * v - lr * grad;  param += v
//
//   kusari_adam_S(T* param, const T* grad, T* m, T* v, T* vhat, C alpha_t, C beta1, C beta2,
//                 C eps, C eta, C weight_decay_rate, int amsgrad, long long n)
//       m += (1 - beta1) * (grad - m);  v += (1 - beta2) * (grad * grad - v)
//       amsgrad: vhat = max(vhat, v), the denominator uses vhat (vhat is unused otherwise)
//       param -= eta * (alpha_t * m / (sqrt(v or vhat) + eps) + weight_decay_rate * param)
//       alpha_t is the bias-corrected step size alpha * sqrt(1 - beta2^t) / (1 - beta1^t);
//       weight_decay_rate > 0 gives AdamW's decoupled weight decay.
//
//   kusari_rmsprop_S(T* param, const T* grad, T* ms, C lr, C alpha, C eps,
//                    int eps_inside_sqrt, long long n)
//       ms = alpha * ms + (1 - alpha) * grad * grad
//       param -= lr * grad / (eps_inside_sqrt ? sqrt(ms + eps) : sqrt(ms) + eps)
//
//   kusari_adagrad_S(T* param, const T* grad, T* h, C lr, C eps, long long n)
//       h += grad * grad;  param -= lr * grad / (sqrt(h) + eps)
#include "kusari_common.cuh"

namespace {

template <typename T, typename C>
__device__ void momentum_sgd(T* param, const T* grad, T* v, C lr, C momentum, long long n) {
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C velocity = momentum * kusari::load(v[i]) - lr * kusari::load(grad[i]);
        v[i] = kusari::store<T>(velocity);
        param[i] = kusari::store<T>(kusari::load(param[i]) + velocity);
    }
}

template <typename T, typename C>
__device__ void adam(T* param, const T* grad, T* m, T* v, T* vhat, C alpha_t, C beta1, C beta2,
                     C eps, C eta, C weight_decay_rate, int amsgrad, long long n) {
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C g = kusari::load(grad[i]);
        C first = kusari::load(m[i]);
        first += (C(1) - beta1) * (g - first);
        C second = kusari::load(v[i]);
        second += (C(1) - beta2) * (g * g - second);
        m[i] = kusari::store<T>(first);
        v[i] = kusari::store<T>(second);
        C denominator_source = second;
        if (amsgrad) {
            const C previous = kusari::load(vhat[i]);
            denominator_source = previous > second ? previous : second;
            vhat[i] = kusari::store<T>(denominator_source);
        }
        const C p = kusari::load(param[i]);
        const C step = alpha_t * first / (sqrt(denominator_source) + eps);
        param[i] = kusari::store<T>(p - eta * (step + weight_decay_rate * p));
    }
}

template <typename T, typename C>
__device__ void rmsprop(T* param, const T* grad, T* ms, C lr, C alpha, C eps,
                        int eps_inside_sqrt, long long n) {
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C g = kusari::load(grad[i]);
        const C mean_square = alpha * kusari::load(ms[i]) + (C(1) - alpha) * g * g;
        ms[i] = kusari::store<T>(mean_square);
        const C denominator = eps_inside_sqrt ? sqrt(mean_square + eps) : sqrt(mean_square) + eps;
        param[i] = kusari::store<T>(kusari::load(param[i]) - lr * g / denominator);
    }
}

template <typename T, typename C>
__device__ void adagrad(T* param, const T* grad, T* h, C lr, C eps, long long n) {
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C g = kusari::load(grad[i]);
        const C history = kusari::load(h[i]) + g * g;
        h[i] = kusari::store<T>(history);
        param[i] = kusari::store<T>(kusari::load(param[i]) - lr * g / (sqrt(history) + eps));
    }
}

}  // namespace

#define KUSARI_OPTIMIZER_ENTRIES(S, T, C)                                                    \
    extern "C" __global__ void kusari_momentum_sgd_##S(T* param, const T* grad, T* v, C lr,  \
                                                       C momentum, long long n) {            \
        momentum_sgd<T, C>(param, grad, v, lr, momentum, n);                                 \
    }                                                                                        \
    extern "C" __global__ void kusari_adam_##S(T* param, const T* grad, T* m, T* v, T* vhat, \
                                               C alpha_t, C beta1, C beta2, C eps, C eta,    \
                                               C weight_decay_rate, int amsgrad,             \
                                               long long n) {                                \
        adam<T, C>(param, grad, m, v, vhat, alpha_t, beta1, beta2, eps, eta,                 \
                   weight_decay_rate, amsgrad, n);                                           \
    }                                                                                        \
    extern "C" __global__ void kusari_rmsprop_##S(T* param, const T* grad, T* ms, C lr,     \
                                                  C alpha, C eps, int eps_inside_sqrt,       \
                                                  long long n) {                             \
        rmsprop<T, C>(param, grad, ms, lr, alpha, eps, eps_inside_sqrt, n);                  \
    }                                                                                        \
    extern "C" __global__ void kusari_adagrad_##S(T* param, const T* grad, T* h, C lr, C eps, \
                                                  long long n) {                             \
        adagrad<T, C>(param, grad, h, lr, eps, n);                                           \
    }

KUSARI_OPTIMIZER_ENTRIES(float16, __half, float)
KUSARI_OPTIMIZER_ENTRIES(float32, float, float)
KUSARI_OPTIMIZER_ENTRIES(float64, double, double)
