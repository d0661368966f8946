// The threat-intel settings (DECNET_INTEL_*, the providers' keys and base URLs) read into the
// provider and worker options, for `decnet serve` and `decnet enrich`.
#pragma once

#include "core/config.h"
#include "enrich/intel_provider.h"
#include "enrich/intel_worker.h"

namespace decnet::enrich {

IntelConfig intel_config(const core::Config& config);
IntelWorkerOptions intel_worker_options(const core::Config& config);

}  // namespace decnet::enrich
