// An OpenLDAP directory as an anonymous client sees it: anonymous binds succeed, the root DSE
// and the naming context's own entry answer a base search, other searches find nothing, and
// every bind with a password is refused as invalid credentials after its DN and password are
// reported. Searches are reported with their base, scope, filter and attributes — what an
// enumeration tool asks for says which tool it is.
#include "core/text.h"
#include "decky/protocol/ldap_message.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr int kSuccess = 0;
constexpr int kProtocolError = 2;
constexpr int kAuthMethodNotSupported = 7;
constexpr int kNoSuchObject = 32;
constexpr int kInvalidCredentials = 49;
constexpr int kUnwillingToPerform = 53;

// "example.org" -> "dc=example,dc=org".
std::string naming_context(const std::string& domain) {
  std::string out;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const auto label = domain.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!label.empty()) out += (out.empty() ? "dc=" : ",dc=") + label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out.empty() ? "dc=localdomain" : out;
}

const char* scope_name(std::int64_t scope) {
  switch (scope) {
    case 0:
      return "base";
    case 1:
      return "one";
    case 2:
      return "sub";
    default:
      return "unknown";
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

class LdapService final : public ConversationService {
 public:
  explicit LdapService(const Persona& persona)
      : context_(core::ascii_lower(naming_context(persona.domain))),
        first_label_(context_.substr(3, context_.find(',') - 3)) {}

 private:
  asio::awaitable<void> converse(Session& s) override {
    // Awaits stand as plain statements: GCC 12 miscompiled them inside conditions here.
    bool more = true;
    while (more) more = co_await answer_next(s);
  }

  // False when the connection is over.
  asio::awaitable<bool> answer_next(Session& s) {
    const auto head = co_await s.read_exact(2);
    if (!head) co_return false;
    const auto first = static_cast<unsigned char>((*head)[1]);
    std::string more;
    const auto extra = ldap_length_octets(first);
    if (extra > 0) {
      const auto octets = co_await s.read_exact(extra);
      if (!octets) co_return false;
      more = *octets;
    }
    const auto length = ldap_contents_length(first, more);
    if ((*head)[0] != 0x30 || !length) {
      s.emit("protocol_error", {{"reason", "not an LDAP message"}});
      co_return false;
    }
    const auto contents = co_await s.read_exact(*length);
    if (!contents) co_return false;
    const auto m = parse_ldap_message(*contents);
    if (!m) {
      s.emit("protocol_error", {{"reason", "malformed LDAP message"}});
      co_return false;
    }
    if (m->op == kLdapUnbindRequest) co_return false;
    std::string reply;
    if (m->bind) {
      reply = bind(s, m->id, *m->bind);
    } else if (m->search) {
      reply = search(s, m->id, *m->search);
    } else if (m->op == kLdapExtendedRequest) {
      s.emit("extended_request", {{"oid", m->extended_name}});
      reply = ldap_result(m->id, kLdapExtendedResponse, kProtocolError,
                          "unsupported extended operation");
    } else {
      s.emit("unknown_packet", {{"op", std::to_string(m->op)}});
      co_return true;
    }
    const bool sent = co_await s.write(reply);
    co_return sent;
  }

  static std::string bind(Session& s, std::int64_t id, const LdapBind& b) {
    if (b.sasl_mechanism) {
      s.emit("bind", {{"dn", b.name}, {"mechanism", *b.sasl_mechanism}});
      return ldap_result(id, kLdapBindResponse, kAuthMethodNotSupported,
                         "SASL(-4): no mechanism available: ");
    }
    const auto& password = b.password.value_or("");
    if (b.name.empty() && password.empty()) {
      s.emit("bind", {{"dn", ""}, {"anonymous", "true"}});
      return ldap_result(id, kLdapBindResponse, kSuccess);
    }
    if (password.empty()) {
      s.emit("bind", {{"dn", b.name}, {"principal", b.name}});
      return ldap_result(id, kLdapBindResponse, kUnwillingToPerform,
                         "unauthenticated bind (DN with no password) disallowed");
    }
    const auto secret = encode_secret(password);
    s.emit("bind",
           {{"dn", b.name},
            {"principal", b.name},
            {"secret_printable", secret.printable},
            {"secret_b64", secret.b64}},
           Severity::kWarning);
    return ldap_result(id, kLdapBindResponse, kInvalidCredentials);
  }

  std::string search(Session& s, std::int64_t id, const LdapSearch& q) const {
    s.emit("ldap_search", {{"base", q.base},
                           {"scope", scope_name(q.scope)},
                           {"filter", q.filter},
                           {"attributes", joined(q.attributes)}});
    if (q.base.empty() && q.scope == 0) {
      return ldap_search_entry(id, "",
                               {{"objectClass", {"top", "OpenLDAProotDSE"}},
                                {"namingContexts", {context_}},
                                {"supportedLDAPVersion", {"3"}}}) +
             ldap_result(id, kLdapSearchResultDone, kSuccess);
    }
    const auto base = core::ascii_lower(q.base);
    if (base == context_ && q.scope == 0) {
      return ldap_search_entry(id, context_,
                               {{"objectClass", {"top", "dcObject", "organization"}},
                                {"o", {first_label_}},
                                {"dc", {first_label_}}}) +
             ldap_result(id, kLdapSearchResultDone, kSuccess);
    }
    const bool inside =
        base.size() > context_.size() &&
        base.compare(base.size() - context_.size(), context_.size(), context_) == 0 &&
        base[base.size() - context_.size() - 1] == ',';
    return ldap_result(id, kLdapSearchResultDone,
                       inside || base == context_ ? kSuccess : kNoSuchObject);
  }

  std::string context_;  // lower case
  std::string first_label_;
};

}  // namespace

std::unique_ptr<Service> make_ldap_service(const Persona& persona, const ServiceSettings&) {
  return std::make_unique<LdapService>(persona);
}

}  // namespace decnet::decky
