// Softmax cross entropy over the rows of a (rows, classes) matrix of logits.
//
// Entry points (S = float16 | float32 | float64, T = __half | float | double, C = the compute
// type: float for float16 and float32, double for float64):
//
//   kusari_softmax_cross_entropy_forward_S(
//       const T* x, const int* t, T* loss, C* log_z,
//       long long rows, long long classes, int ignore_label)
//     log_z[r] = logsumexp(x[r, :]);  loss[r] = log_z[r] - x[r, t[r]], 0 where t[r] is
//     ignore_label, NaN where t[r] is out of range.  One 256-thread block per row
//     (block-stride loop over rows), block reductions for the max and the sum.
//
//   kusari_softmax_cross_entropy_backward_S(
//       const T* x, const int* t, const C* log_z, const T* gloss, T* gx,
//       long long rows, long long classes, int ignore_label)
//     gx[r, j] = (exp(x[r, j] - log_z[r]) - (j == t[r])) * gloss[r], 0 on ignored rows.
#include "kusari_common.cuh"

#define KUSARI_SCE_BLOCK 256

namespace {

struct MaxOp {
    template <typename C>
    __device__ C operator()(C a, C b) const { return a > b ? a : b; }
};

struct SumOp {
    template <typename C>
    __device__ C operator()(C a, C b) const { return a + b; }
};

// Reduces one value per thread over the block (blockDim.x == KUSARI_SCE_BLOCK, a power of
// two); every thread gets the result.
template <typename C, typename Op>
__device__ C block_reduce(C value, C* buffer, Op op) {
    buffer[threadIdx.x] = value;
    __syncthreads();
    for (unsigned int half = blockDim.x / 2; half > 0; half >>= 1) {
        if (threadIdx.x < half) {
            buffer[threadIdx.x] = op(buffer[threadIdx.x], buffer[threadIdx.x + half]);
        }
        __syncthreads();
    }
    const C result = buffer[0];
    __syncthreads();
    return result;
}

template <typename T, typename C>
__device__ void softmax_cross_entropy_forward(const T* x, const int* t, T* loss, C* log_z,
                                              long long rows, long long classes,
                                              int ignore_label, C* buffer) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* logits = x + row * classes;
        C local_max = kusari::negative_infinity<C>();
        for (long long j = threadIdx.x; j < classes; j += blockDim.x) {
            local_max = MaxOp()(local_max, kusari::load(logits[j]));
        }
        const C row_max = block_reduce(local_max, buffer, MaxOp());
        C local_sum = C(0);
        for (long long j = threadIdx.x; j < classes; j += blockDim.x) {
            local_sum += exp(kusari::load(logits[j]) - row_max);
        }
        const C row_sum = block_reduce(local_sum, buffer, SumOp());
        if (threadIdx.x == 0) {
            const C lz = row_max + log(row_sum);
            const int label = t[row];
            C value;
            if (label == ignore_label) {
                value = C(0);
            } else if (label < 0 || label >= classes) {
                value = kusari::quiet_nan<C>();
            } else {
                value = lz - kusari::load(logits[label]);
            }
            log_z[row] = lz;
            loss[row] = kusari::store<T>(value);
        }
    }
}

template <typename T, typename C>
__device__ void softmax_cross_entropy_backward(const T* x, const int* t, const C* log_z,
                                               const T* gloss, T* gx, long long rows,
                                               long long classes, int ignore_label) {
    KUSARI_GRID_STRIDE_LOOP(k, rows * classes) {
        const long long row = k / classes;
        const long long j = k - row * classes;
        const int label = t[row];
        C value;
        if (label == ignore_label) {
            value = C(0);
        } else if (label < 0 || label >= classes) {
            value = kusari::quiet_nan<C>();
        } else {
            value = exp(kusari::load(x[k]) - log_z[row]);
            if (j == label) {
                value -= C(1);
            }
            value *= kusari::load(gloss[row]);
        }
        gx[k] = kusari::store<T>(value);
    }
}

}  // namespace

#define KUSARI_SCE_ENTRIES(S, T, C)                                                          \
    extern "C" __global__ void kusari_softmax_cross_entropy_forward_##S(                     \
        const T* x, const int* t, T* loss, C* log_z, long long rows, long long classes,      \
        int ignore_label) {                                                                  \
        __shared__ C buffer[KUSARI_SCE_BLOCK];                                               \
        softmax_cross_entropy_forward<T, C>(x, t, loss, log_z, rows, classes, ignore_label,  \
                                            buffer);                                         \
    }                                                                                        \
    extern "C" __global__ void kusari_softmax_cross_entropy_backward_##S(                    \
        const T* x, const int* t, const C* log_z, const T* gloss, T* gx, long long rows,     \
        long long classes, int ignore_label) {                                               \
        softmax_cross_entropy_backward<T, C>(x, t, log_z, gloss, gx, rows, classes,          \
                                             ignore_label);                                  \
    }

KUSARI_SCE_ENTRIES(float16, __half, float)
KUSARI_SCE_ENTRIES(float32, float, float)
KUSARI_SCE_ENTRIES(float64, double, double)
