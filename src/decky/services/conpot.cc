// An industrial controller as ICS scanners meet it, in the manner of the Conpot honeypot's
// default template: a Siemens SIMATIC S7-200 PLC speaking Modbus/TCP (502) and serving its web
// page (80) on the same ports list, told apart by the client's first bytes. Every Modbus request
// is reported (`modbus_request`: unit, function, address, quantity) and answered from a fixed
// process image; a write — the step that would move a valve or stop a pump — is reported as
// `modbus_write` with its values and acknowledged, and changes nothing. Device identification
// and the server id name the PLC. The web page is an HttpServer application; its requests are
// reported like http's. SNMP, which Conpot also serves, is the snmp service.
#include "core/hash.h"
#include "decky/protocol/modbus_frame.h"
#include "decky/services/http_server.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr int kMaxRequests = 1000;

class PlcWebPage final : public HttpServer {
 public:
  explicit PlcWebPage(const Persona& persona)
      : HttpServer("Siemens, SIMATIC, S7-200", nullptr, TlsMode::kNever), name_(persona.hostname) {}

 protected:
  Answer answer(Session&, const Request& req, bool) override {
    if (path_of(req) != "/" && path_of(req) != "/index.html") {
      return {404, "text/html", "<html><body><h1>404 Not Found</h1></body></html>\n", {}};
    }
    return {200,
            "text/html",
            "<html><head><title>Siemens, SIMATIC, S7-200</title></head><body>\n"
            "<h1>Technodrome</h1>\n<table>\n"
            "<tr><td>PLC name</td><td>" +
                name_ +
                "</td></tr>\n"
                "<tr><td>Module type</td><td>CPU 226</td></tr>\n"
                "<tr><td>Serial number</td><td>88111222</td></tr>\n"
                "<tr><td>Firmware</td><td>V3.0</td></tr>\n"
                "<tr><td>Status</td><td>RUN</td></tr>\n</table>\n</body></html>\n",
            {}};
  }

 private:
  std::string name_;
};

// An HTTP request line starts with an upper-case method and a space within its first bytes;
// a Modbus/TCP request starts with a binary transaction id and protocol id 0.
bool looks_like_http(std::string_view first) {
  const auto space = first.find(' ');
  if (space == std::string_view::npos || space < 3) return false;
  for (std::size_t i = 0; i < space; ++i) {
    if (first[i] < 'A' || first[i] > 'Z') return false;
  }
  return true;
}

class ConpotService final : public Service {
 public:
  explicit ConpotService(const Persona& persona) : web_(persona) {}

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    const auto first = co_await s->peek(8);
    if (first.empty()) co_return;
    if (looks_like_http(first)) {
      co_await web_.serve(s);
      co_return;
    }
    s->emit("connect", {});
    co_await modbus(*s);
    s->emit("disconnect", {});
  }

 private:
  asio::awaitable<void> modbus(Session& s) {
    for (int i = 0; i < kMaxRequests; ++i) {
      const auto head = co_await s.read_exact(kMbapHeaderBytes);
      if (!head) co_return;
      const auto header = parse_mbap_header(*head);
      if (!header) {
        s.emit("protocol_error", {{"reason", "not a Modbus/TCP header"}});
        co_return;
      }
      const auto pdu = co_await s.read_exact(header->length - 1u);
      if (!pdu) co_return;
      const auto request = parse_modbus_request(*pdu);
      if (!request) {
        s.emit("protocol_error", {{"reason", "Modbus request cut short"}});
        co_return;
      }
      Fields f{{"unit_id", std::to_string(header->unit)},
               {"function", std::string(request->name())},
               {"function_code", std::to_string(request->function)},
               {"address", std::to_string(request->address)},
               {"quantity", std::to_string(request->quantity)}};
      if (request->write) {
        f.emplace_back("values", core::to_hex(request->values));
        s.emit("modbus_write", std::move(f), Severity::kWarning);
      } else {
        s.emit("modbus_request", std::move(f));
      }
      const bool sent =
          co_await s.write(mbap_frame(*header, modbus_response(*request, *pdu, plc_)));
      if (!sent) co_return;
    }
  }

  PlcWebPage web_;
  PlcIdentity plc_;
};

}  // namespace

std::unique_ptr<Service> make_conpot_service(const Persona& persona, const ServiceSettings&) {
  return std::make_unique<ConpotService>(persona);
}

}  // namespace decnet::decky
