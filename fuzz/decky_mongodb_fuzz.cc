// Fuzzes the decky's MongoDB reader: a whole message (header, then an OP_MSG or OP_QUERY
// command), the BSON documents in it, and the SCRAM client messages a login carries — every
// length checked against what is there.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/bson.h"
#include "decky/protocol/mongo_wire.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

namespace {

// Walks a document and the documents inside it, as the service reads a client's metadata.
void walk(std::string_view document, int depth) {
  const auto elements = d::parse_bson(document);
  if (!elements) return;
  for (const auto& e : *elements) {
    check(e.value.size() <= document.size() && e.name.size() <= document.size());
    if (const auto s = e.string()) check(s->size() < e.value.size());
    if (const auto b = e.binary()) {
      d::parse_scram_client_first(*b);
      d::parse_scram_client_final(*b);
    }
    e.integer();
    if (const auto inner = e.document(); inner && depth < 4) walk(*inner, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() >= d::kMongoHeaderBytes) {
    if (const auto h = d::parse_mongo_header(input.substr(0, d::kMongoHeaderBytes))) {
      check(h->length >= static_cast<std::int32_t>(d::kMongoHeaderBytes));
      if (const auto c = d::parse_mongo_command(h->op_code, input.substr(d::kMongoHeaderBytes))) {
        check(c->document.size() <= input.size());
        walk(c->document, 0);
        d::mongo_reply(*h, c->legacy, c->document, 1);
      }
    }
  }
  walk(input, 0);
  if (const auto first = d::parse_scram_client_first(input))
    check(first->bare.size() < input.size());
  if (const auto final = d::parse_scram_client_final(input)) {
    check(final->without_proof.size() + final->proof_b64.size() + 3 == input.size());
  }
  return 0;
}
