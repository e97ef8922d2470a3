// Activation kernels: ReLU forward and backward, the gradients of sigmoid and tanh.
//
// Entry points (S = float16 | float32 | float64, T = __half | float | double):
//   kusari_relu_forward_S(const T* x, T* y, long long n)          y = max(x, 0), NaN kept
//   kusari_relu_backward_S(const T* y, const T* gy, T* gx, long long n)
//                                                                  gx = gy * (y > 0)
//   kusari_sigmoid_grad_S(const T* y, const T* gy, T* gx, long long n)
//                                                                  gx = gy * y * (1 - y)
//   kusari_tanh_grad_S(const T* y, const T* gy, T* gx, long long n)
//                                                                  gx = gy * (1 - y * y)
#include "kusari_common.cuh"

namespace {

template <typename T>
__device__ void relu_forward(const T* x, T* y, long long n) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C v = kusari::load(x[i]);
        y[i] = kusari::store<T>(v < C(0) ? C(0) : v);  // NaN stays NaN, like numpy.maximum
    }
}

template <typename T>
__device__ void relu_backward(const T* y, const T* gy, T* gx, long long n) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        // A product, not a select: a NaN gradient stays NaN, as in the NumPy twin.
        gx[i] = kusari::store<T>(kusari::load(gy[i]) * (kusari::load(y[i]) > C(0) ? C(1) : C(0)));
    }
}

template <typename T>
__device__ void sigmoid_grad(const T* y, const T* gy, T* gx, long long n) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C v = kusari::load(y[i]);
        gx[i] = kusari::store<T>(kusari::load(gy[i]) * v * (C(1) - v));
    }
}

template <typename T>
__device__ void tanh_grad(const T* y, const T* gy, T* gx, long long n) {
    typedef typename kusari::Compute<T>::type C;
    KUSARI_GRID_STRIDE_LOOP(i, n) {
        const C v = kusari::load(y[i]);
        gx[i] = kusari::store<T>(kusari::load(gy[i]) * (C(1) - v * v));
    }
}

}  // namespace

#define KUSARI_ACTIVATION_ENTRIES(S, T)                                                     \
    extern "C" __global__ void kusari_relu_forward_##S(const T* x, T* y, long long n) {     \
        relu_forward<T>(x, y, n);                                                           \
    }                                                                                       \
    extern "C" __global__ void kusari_relu_backward_##S(const T* y, const T* gy, T* gx,     \
                                                        long long n) {                      \
        relu_backward<T>(y, gy, gx, n);                                                     \
    }                                                                                       \
    extern "C" __global__ void kusari_sigmoid_grad_##S(const T* y, const T* gy, T* gx,      \
                                                       long long n) {                       \
        sigmoid_grad<T>(y, gy, gx, n);                                                      \
    }                                                                                       \
    extern "C" __global__ void kusari_tanh_grad_##S(const T* y, const T* gy, T* gx,         \
                                                    long long n) {                          \
        tanh_grad<T>(y, gy, gx, n);                                                         \
    }

KUSARI_ACTIVATION_ENTRIES(float16, __half)
KUSARI_ACTIVATION_ENTRIES(float32, float)
KUSARI_ACTIVATION_ENTRIES(float64, double)
