// Fuzzes the decky's reader of an SSH client's first bytes (version line and KEXINIT), fed in
// pieces whose sizes come from the input: it ends on anything malformed, never holds more than
// a version line and one largest packet, and what it reads fits in the packet it came from.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/ssh_client_hello.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = data[0] % 64 + 1;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  decnet::decky::SshClientHello hello;
  for (std::size_t at = 0; at < input.size(); at += piece) hello.feed(input.substr(at, piece));
  if (hello.version()) {
    check(hello.version()->starts_with("SSH-") && hello.version()->size() < 255);
  }
  if (const auto& k = hello.kexinit()) {
    check(hello.done() && hello.version().has_value());
    check(k->kex.size() + k->host_key.size() + k->ciphers.size() + k->macs.size() +
              k->compression.size() <=
          35000);
    check(decnet::decky::hassh(*k).size() == 32);
  }
  return 0;
}
