// Shared helpers of kusari's CUDA kernels.
//
// Every kernel is written once as a template over the storage type T (__half, float, double)
// and instantiated as one extern "C" entry per dtype, named <kernel>_<float16|float32|float64>.
// Arithmetic happens in Compute<T>::type: float for __half and float, double for double.
#pragma once

#include <cuda_fp16.h>

namespace kusari {

template <typename T>
struct Compute {
    typedef T type;
};

template <>
struct Compute<__half> {
    typedef float type;
};

__device__ __forceinline__ float load(__half value) { return __half2float(value); }
__device__ __forceinline__ float load(float value) { return value; }
__device__ __forceinline__ double load(double value) { return value; }

template <typename T>
__device__ __forceinline__ T store(typename Compute<T>::type value);

template <>
__device__ __forceinline__ __half store<__half>(float value) { return __float2half_rn(value); }

template <>
__device__ __forceinline__ float store<float>(float value) { return value; }

template <>
__device__ __forceinline__ double store<double>(double value) { return value; }

// The logistic function, written through tanh so that it never overflows.
__device__ __forceinline__ float sigmoid(float x) { return 0.5f * tanhf(0.5f * x) + 0.5f; }
__device__ __forceinline__ double sigmoid(double x) { return 0.5 * tanh(0.5 * x) + 0.5; }

template <typename C>
__device__ __forceinline__ C negative_infinity();

template <>
__device__ __forceinline__ float negative_infinity<float>() { return __int_as_float(0xff800000); }

template <>
__device__ __forceinline__ double negative_infinity<double>() {
    return __longlong_as_double(0xfff0000000000000ULL);
}

template <typename C>
__device__ __forceinline__ C quiet_nan();

template <>
__device__ __forceinline__ float quiet_nan<float>() { return __int_as_float(0x7fc00000); }

template <>
__device__ __forceinline__ double quiet_nan<double>() {
    return __longlong_as_double(0x7ff8000000000000ULL);
}

// The index of the first element this thread handles and the stride of a grid-stride loop.
__device__ __forceinline__ long long first_index() {
    return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long grid_stride() {
    return static_cast<long long>(blockDim.x) * gridDim.x;
}

}  // namespace kusari

#define KUSARI_GRID_STRIDE_LOOP(i, n) \
    for (long long i = kusari::first_index(); i < (n); i += kusari::grid_stride())
