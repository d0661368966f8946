// The AVX2 functions carry a target attribute instead of the whole build getting -mavx2, so the
// library still runs on any x86-64; __builtin_cpu_supports decides at run time. Other
// architectures get the scalar variant only.
#include "vector/distance.h"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DECNET_VECTOR_X86 1
#endif

namespace decnet::vector {
namespace {

float l2_squared_scalar(const float* a, const float* b, std::size_t dim) {
  float s[4] = {0, 0, 0, 0};
  std::size_t d = 0;
  for (; d + 4 <= dim; d += 4) {
    for (std::size_t j = 0; j < 4; ++j) {
      const float t = a[d + j] - b[d + j];
      s[j] += t * t;
    }
  }
  for (; d < dim; ++d) {
    const float t = a[d] - b[d];
    s[0] += t * t;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

float dot_scalar(const float* a, const float* b, std::size_t dim) {
  float s[4] = {0, 0, 0, 0};
  std::size_t d = 0;
  for (; d + 4 <= dim; d += 4) {
    for (std::size_t j = 0; j < 4; ++j) s[j] += a[d + j] * b[d + j];
  }
  for (; d < dim; ++d) s[0] += a[d] * b[d];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

void l2_squared_rows_scalar(const float* query, const float* rows, std::size_t n, std::size_t dim,
                            float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = l2_squared_scalar(query, rows + i * dim, dim);
}

void dot_rows_scalar(const float* query, const float* rows, std::size_t n, std::size_t dim,
                     float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = dot_scalar(query, rows + i * dim, dim);
}

constexpr Kernels kScalar{"scalar", l2_squared_scalar, dot_scalar, l2_squared_rows_scalar,
                          dot_rows_scalar};

#ifdef DECNET_VECTOR_X86

#define DECNET_AVX2 __attribute__((target("avx2,fma")))

DECNET_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// [hsum(a), hsum(b), hsum(c), hsum(d)]
DECNET_AVX2 inline __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

DECNET_AVX2 float l2_squared_avx2(const float* a, const float* b, std::size_t dim) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  std::size_t d = 0;
  for (; d + 16 <= dim; d += 16) {
    const __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d));
    const __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(a + d + 8), _mm256_loadu_ps(b + d + 8));
    s0 = _mm256_fmadd_ps(t0, t0, s0);
    s1 = _mm256_fmadd_ps(t1, t1, s1);
  }
  for (; d + 8 <= dim; d += 8) {
    const __m256 t = _mm256_sub_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d));
    s0 = _mm256_fmadd_ps(t, t, s0);
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; d < dim; ++d) s += (a[d] - b[d]) * (a[d] - b[d]);
  return s;
}

DECNET_AVX2 float dot_avx2(const float* a, const float* b, std::size_t dim) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  std::size_t d = 0;
  for (; d + 16 <= dim; d += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d + 8), _mm256_loadu_ps(b + d + 8), s1);
  }
  for (; d + 8 <= dim; d += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), s0);
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; d < dim; ++d) s += a[d] * b[d];
  return s;
}

// The scan does enough arithmetic per byte that the out-of-order window alone keeps too few
// cache misses in flight to saturate DRAM (measured: half the bandwidth of a plain read), so
// each step prefetches the rows a fixed distance ahead. 8 KB was the best distance measured on
// 128-dim rows; nearer leaves bandwidth unused, farther evicts lines from L1 before use.
constexpr std::uintptr_t kPrefetchBytes = 8192;

DECNET_AVX2 inline void prefetch_ahead(const float* rows, std::size_t bytes) {
  // Prefetching past the end of the rows is harmless (a hint, never a fault), but pointer
  // arithmetic past an array is not, so the addresses are computed as integers.
  const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(rows) + kPrefetchBytes;
  for (std::size_t off = 0; off < bytes; off += 64) {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): see above; the hint needs a pointer.
    _mm_prefetch(reinterpret_cast<const char*>(base + off), _MM_HINT_T0);
  }
}

// Four rows per step: the query chunk is loaded once for four rows and the four accumulator
// chains hide the FMA latency.
DECNET_AVX2 void l2_squared_rows_avx2(const float* query, const float* rows, std::size_t n,
                                      std::size_t dim, float* out) {
  const std::size_t vec_end = dim & ~std::size_t{7};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float* r0 = rows + i * dim;
    const float* r1 = r0 + dim;
    const float* r2 = r1 + dim;
    const float* r3 = r2 + dim;
    prefetch_ahead(r0, 4 * dim * sizeof(float));
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps();
    __m256 s3 = _mm256_setzero_ps();
    for (std::size_t d = 0; d < vec_end; d += 8) {
      const __m256 q = _mm256_loadu_ps(query + d);
      const __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(r0 + d), q);
      const __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(r1 + d), q);
      const __m256 t2 = _mm256_sub_ps(_mm256_loadu_ps(r2 + d), q);
      const __m256 t3 = _mm256_sub_ps(_mm256_loadu_ps(r3 + d), q);
      s0 = _mm256_fmadd_ps(t0, t0, s0);
      s1 = _mm256_fmadd_ps(t1, t1, s1);
      s2 = _mm256_fmadd_ps(t2, t2, s2);
      s3 = _mm256_fmadd_ps(t3, t3, s3);
    }
    __m128 sums = hsum4(s0, s1, s2, s3);
    if (vec_end != dim) {
      float tail[4] = {0, 0, 0, 0};
      for (std::size_t d = vec_end; d < dim; ++d) {
        tail[0] += (r0[d] - query[d]) * (r0[d] - query[d]);
        tail[1] += (r1[d] - query[d]) * (r1[d] - query[d]);
        tail[2] += (r2[d] - query[d]) * (r2[d] - query[d]);
        tail[3] += (r3[d] - query[d]) * (r3[d] - query[d]);
      }
      sums = _mm_add_ps(sums, _mm_loadu_ps(tail));
    }
    _mm_storeu_ps(out + i, sums);
  }
  for (; i < n; ++i) out[i] = l2_squared_avx2(query, rows + i * dim, dim);
}

DECNET_AVX2 void dot_rows_avx2(const float* query, const float* rows, std::size_t n,
                               std::size_t dim, float* out) {
  const std::size_t vec_end = dim & ~std::size_t{7};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float* r0 = rows + i * dim;
    const float* r1 = r0 + dim;
    const float* r2 = r1 + dim;
    const float* r3 = r2 + dim;
    prefetch_ahead(r0, 4 * dim * sizeof(float));
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps();
    __m256 s3 = _mm256_setzero_ps();
    for (std::size_t d = 0; d < vec_end; d += 8) {
      const __m256 q = _mm256_loadu_ps(query + d);
      s0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + d), q, s0);
      s1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + d), q, s1);
      s2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + d), q, s2);
      s3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + d), q, s3);
    }
    __m128 sums = hsum4(s0, s1, s2, s3);
    if (vec_end != dim) {
      float tail[4] = {0, 0, 0, 0};
      for (std::size_t d = vec_end; d < dim; ++d) {
        tail[0] += r0[d] * query[d];
        tail[1] += r1[d] * query[d];
        tail[2] += r2[d] * query[d];
        tail[3] += r3[d] * query[d];
      }
      sums = _mm_add_ps(sums, _mm_loadu_ps(tail));
    }
    _mm_storeu_ps(out + i, sums);
  }
  for (; i < n; ++i) out[i] = dot_avx2(query, rows + i * dim, dim);
}

constexpr Kernels kAvx2{"avx2+fma", l2_squared_avx2, dot_avx2, l2_squared_rows_avx2, dot_rows_avx2};

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#endif

}  // namespace

const Kernels& scalar_kernels() {
  return kScalar;
}

const Kernels* avx2_kernels() {
#ifdef DECNET_VECTOR_X86
  static const bool supported = cpu_has_avx2();
  return supported ? &kAvx2 : nullptr;
#else
  return nullptr;
#endif
}

const Kernels& kernels() {
  static const Kernels& chosen = avx2_kernels() ? *avx2_kernels() : kScalar;
  return chosen;
}

}  // namespace decnet::vector
