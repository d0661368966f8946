// Maps the enabled DECNET_SYSLOG_* transports to receiver components.
#include "ingest/receivers.h"

#include "ingest/file_tail.h"
#include "ingest/stream_receiver.h"
#include "ingest/udp_receiver.h"
#include "ingest/unix_receiver.h"

namespace decnet::ingest {

std::vector<std::unique_ptr<core::Component>> make_receivers(const ReceiverOptions& options,
                                                             LineSink& sink,
                                                             FileTailResume file_resume) {
  std::vector<std::unique_ptr<core::Component>> out;
  if (options.tcp_enabled) {
    out.push_back(std::make_unique<StreamReceiver>(StreamReceiver::tcp_options(options), sink));
  }
  if (options.udp_enabled) {
    out.push_back(std::make_unique<UdpReceiver>(UdpReceiver::from(options), sink));
  }
  if (options.tls_enabled) {
    out.push_back(std::make_unique<StreamReceiver>(StreamReceiver::tls_options(options), sink));
  }
  if (options.relp_enabled) {
    out.push_back(std::make_unique<StreamReceiver>(StreamReceiver::relp_options(options), sink));
  }
  if (!options.unix_socket.empty()) {
    out.push_back(std::make_unique<UnixReceiver>(UnixReceiver::from(options), sink));
  }
  if (!options.file.empty()) {
    auto tail = FileTail::from(options);
    tail.start_offset = file_resume.offset;
    tail.start_inode = file_resume.inode;
    out.push_back(std::make_unique<FileTail>(std::move(tail), sink));
  }
  return out;
}

}  // namespace decnet::ingest
