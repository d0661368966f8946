// TFTP as a router or PXE server's tftpd answers it: every read and write request is reported
// with its file name and mode (a router's configuration file asked for is how device secrets
// leak), and refused — "File not found" for a read, "Access violation" for a write — so the
// decky never serves or stores a file. The refusal is never larger than the request.
#include "decky/net/datagram_peer.h"
#include "decky/protocol/tftp_packet.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

class TftpService final : public DatagramService {
 public:
  std::string answer(std::string_view datagram, DatagramPeer& peer) override {
    const auto r = parse_tftp_request(datagram);
    if (!r) {
      peer.emit("packet", {{"size", std::to_string(datagram.size())}});
      return {};
    }
    const bool read = r->opcode == kTftpRead;
    peer.emit(read ? "read_request" : "write_request",
              {{"filename", r->filename}, {"mode", r->mode}});
    auto refusal = read ? tftp_error(1, "File not found") : tftp_error(2, "Access violation");
    return refusal.size() <= datagram.size() ? refusal : tftp_error(0, "");
  }
};

}  // namespace

std::unique_ptr<DatagramService> make_tftp_service(const Persona&, const ServiceSettings&) {
  return std::make_unique<TftpService>();
}

}  // namespace decnet::decky
