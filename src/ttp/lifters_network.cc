// Network lifters: an attacker host whose TLS or SSH fingerprint is a known command-and-control
// framework's (fingerprint events: the prober's JARM and HASSH of the attacker's own services,
// the JA3 and HASSH of its clients), an HTTP client whose JA4H says it is a bare scripted client
// (http_fingerprint events), and an IPv6 link-local address that leaked past whatever the
// attacker tunnels through (ipv6_leak events).
#include <array>

#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

struct KnownFingerprint {
  std::string kind;  // jarm, hassh, ja3
  std::string hash;  // lowercase
  std::string tool;
};

class C2Fingerprint final : public Lifter {
 public:
  explicit C2Fingerprint(const json& params) {
    const auto it = params.find("known");
    if (it == params.end() || !it->is_array() || it->empty()) {
      throw LifterParamError("known", "must list {kind, hash, tool} entries");
    }
    for (const auto& k : *it) {
      if (!k.is_object()) throw LifterParamError("known", "each entry is {kind, hash, tool}");
      KnownFingerprint f{text_at(k, "kind").value_or(""),
                         core::ascii_lower(text_at(k, "hash").value_or("")),
                         text_at(k, "tool").value_or("")};
      if (f.kind != "jarm" && f.kind != "hassh" && f.kind != "ja3") {
        throw LifterParamError("known", "kind must be jarm, hassh or ja3");
      }
      if (f.hash.empty() || f.tool.empty())
        throw LifterParamError("known", "hash and tool are required");
      known_.push_back(std::move(f));
    }
  }
  std::vector<Firing> fire(const json& payload) const override {
    const auto kind = text_at(payload, "fingerprint_kind");
    const auto hash = text_at(payload, "fingerprint");
    if (!kind || !hash) return {};
    const auto wanted = core::ascii_lower(*hash);
    for (const auto& k : known_) {
      if (k.kind == *kind && k.hash == wanted) {
        return {Firing{
            std::nullopt,
            1.0,
            {{"fingerprint_kind", k.kind}, {"fingerprint", k.hash}, {"matched_tool", k.tool}}}};
      }
    }
    return {};
  }

 private:
  std::vector<KnownFingerprint> known_;
};

// JA4H's first section (method, version, cookie and referer flags, header count, language):
// "ge11nn0000"-like prefixes are clients that send no headers at all, which browsers never are.
class ScriptedHttpClient final : public Lifter {
 public:
  explicit ScriptedHttpClient(const nlohmann::json& params) {
    for (const auto& p : param_texts(params, "prefixes", {}))
      prefixes_.push_back(core::ascii_lower(p));
    if (prefixes_.empty()) throw LifterParamError("prefixes", "must list JA4H prefixes");
  }
  std::vector<Firing> fire(const nlohmann::json& payload) const override {
    const auto ja4h = text_at(payload, "ja4h");
    if (!ja4h) return {};
    const auto cut = ja4h->find('_');
    const auto prefix = core::ascii_lower(ja4h->substr(0, cut == std::string::npos ? 10 : cut));
    if (std::find(prefixes_.begin(), prefixes_.end(), prefix) == prefixes_.end()) return {};
    return {Firing{std::nullopt,
                   1.0,
                   {{"kind", "ja4h"},
                    {"hash", *ja4h},
                    {"protocol", text_at(payload, "protocol").value_or("h1")}}}};
  }

 private:
  std::vector<std::string> prefixes_;
};

class LinkLocalLeak final : public Lifter {
 public:
  std::vector<Firing> fire(const json& payload) const override {
    auto addr = text_at(payload, "addr");
    if (!addr) addr = text_at(payload, "src_ip");
    if (!addr || core::ascii_lower(addr->substr(0, 5)) != "fe80:") return {};
    auto v4 = text_at(payload, "attacker_v4");
    if (!v4) v4 = text_at(payload, "attacker_ip");
    return {Firing{std::nullopt,
                   1.0,
                   {{"addr", *addr},
                    {"mac_oui", text_at(payload, "mac_oui").value_or("")},
                    {"iid_kind", text_at(payload, "iid_kind").value_or("unknown")},
                    {"vector", text_at(payload, "vector").value_or("")},
                    {"on_iface", text_at(payload, "on_iface").value_or("")},
                    {"attacker_v4", v4.value_or("")},
                    {"observed_at", text_at(payload, "observed_at").value_or("")}}}};
  }
};

const std::array kNetworkLifters = {
    LifterEntry{"lifter:c2_fingerprint",
                [](const json& m) -> std::unique_ptr<Lifter> {
                  return std::make_unique<C2Fingerprint>(m);
                }},
    LifterEntry{"lifter:http_scripted_client",
                [](const json& m) -> std::unique_ptr<Lifter> {
                  return std::make_unique<ScriptedHttpClient>(m);
                }},
    LifterEntry{
        "lifter:ipv6_link_local_leak",
        [](const json&) -> std::unique_ptr<Lifter> { return std::make_unique<LinkLocalLeak>(); }},
};

}  // namespace

std::span<const LifterEntry> network_lifters() {
  return kNetworkLifters;
}

}  // namespace decnet::ttp::lifters
