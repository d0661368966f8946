// Distance kernels shared by the flat scan and the HNSW graph. The flat scan is bound by
// memory bandwidth, so the kernels compute a block of rows per call (four rows per step, each
// query chunk loaded once) and the AVX2/FMA variant keeps enough independent accumulators to
// stay ahead of the memory stream. The variant is chosen once at start-up from the running
// CPU; the scalar fallback keeps the binary usable on a CPU without AVX2.
#pragma once

#include <cstddef>
#include <string_view>

namespace decnet::vector {

struct Kernels {
  std::string_view name;
  // |a - b|^2 and a.b over `dim` floats.
  float (*l2_squared)(const float* a, const float* b, std::size_t dim);
  float (*dot)(const float* a, const float* b, std::size_t dim);
  // out[i] = l2_squared(query, rows + i * dim) (resp. dot) for i < n; rows are row-major.
  void (*l2_squared_rows)(const float* query, const float* rows, std::size_t n, std::size_t dim,
                          float* out);
  void (*dot_rows)(const float* query, const float* rows, std::size_t n, std::size_t dim,
                   float* out);
};

// The best variant for this CPU.
const Kernels& kernels();
// Each variant on its own, for tests and benchmarks; avx2_kernels() is null without AVX2+FMA.
const Kernels& scalar_kernels();
const Kernels* avx2_kernels();

}  // namespace decnet::vector
