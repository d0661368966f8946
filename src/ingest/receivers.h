// The set of syslog receivers the configuration asks for, ready to be started by whoever runs
// the ingest pipeline: TCP, UDP, TLS, UNIX socket and file tail, each an independent component
// feeding the same sink.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/component.h"
#include "ingest/raw_line.h"
#include "ingest/receiver_options.h"

namespace decnet::ingest {

// The tailed file's position stored with the last committed line (file_tail_state_key).
struct FileTailResume {
  std::optional<std::uint64_t> offset;
  std::optional<std::uint64_t> inode;
};

// Not started. The sink must outlive them.
std::vector<std::unique_ptr<core::Component>> make_receivers(const ReceiverOptions& options,
                                                             LineSink& sink,
                                                             FileTailResume file_resume = {});

}  // namespace decnet::ingest
