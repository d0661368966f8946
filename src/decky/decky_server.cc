#include "decky/decky_server.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "core/json_text.h"
#include "decky/emit/emitter.h"
#include "decky/emit/spool.h"
#include "decky/emit/uplink.h"
#include "decky/net/connection_limits.h"
#include "decky/net/coroutines.h"
#include "decky/net/datagram_limits.h"
#include "decky/net/datagram_peer.h"
#include "decky/service_registry.h"

namespace decnet::decky {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

constexpr auto kDrainTime = std::chrono::seconds(3);

struct DeckyServer::Impl {
  struct Running;
  struct Listener {
    std::string service;
    std::string ip_field;
    Service* handler;
    tcp::acceptor acceptor;
    Running* owner;
    std::uint16_t port = 0;
  };
  struct DatagramListener {
    std::string service;
    std::string ip_field;
    DatagramService* handler;
    udp::socket socket;
  };
  // One service as it is served now: its handler, its sockets, its counters.
  struct Running {
    DeckyServiceConfig config;
    std::unique_ptr<Service> service;
    std::unique_ptr<DatagramService> datagram_service;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::vector<std::unique_ptr<DatagramListener>> datagram_listeners;
    std::uint64_t accepted = 0;
    std::size_t open = 0;
    bool stopped = false;
  };
  struct Open {
    std::weak_ptr<Session> session;
    Running* owner;
    std::uint16_t tarpit_port = 0;  // non-zero while the connection is held in the tarpit
  };

  explicit Impl(DeckyConfig c)
      : config(std::move(c)),
        spool(config.outbox_dir, config.outbox_max_bytes),
        uplink(io, spool, config.uplink),
        emitter(config.name, spool, [this] { uplink.wake(); }),
        limits(config.max_connections, config.max_connections_per_source) {}

  DeckyConfig config;
  asio::io_context io{1};
  Spool spool;
  Uplink uplink;
  Emitter emitter;
  ConnectionLimits limits;
  std::vector<std::unique_ptr<Running>> running;
  // Services a reconfiguration stopped: kept, since their coroutines may still hold them, and
  // only as many as reconfigurations made.
  std::vector<std::unique_ptr<Running>> retired;
  std::vector<std::string> errors;  // the last reconfiguration's, for the status file
  DatagramLimits datagram_limits;
  std::unordered_map<Session*, Open> sessions;
  std::uint64_t accepted = 0;
  bool stopping = false;
  bool serving = false;  // run() has started the loops
  asio::steady_timer status_tick{io};

  void bind() {
    for (const auto& s : config.services) running.push_back(start_service(s));
  }

  // Builds one service and binds its ports; throws naming the service and port that failed.
  std::unique_ptr<Running> start_service(const DeckyServiceConfig& s) {
    auto r = std::make_unique<Running>();
    r->config = s;
    const auto address = asio::ip::make_address(config.bind);
    const auto* spec = find_service(s.name);
    if (spec->make_datagram) {
      r->datagram_service = spec->make_datagram(config.persona, s.settings);
      for (const auto port : s.ports) {
        auto l = std::make_unique<DatagramListener>(
            DatagramListener{s.name, spec->ip_field, r->datagram_service.get(), udp::socket(io)});
        const udp::endpoint endpoint(address, port);
        boost::system::error_code ec;
        l->socket.open(endpoint.protocol(), ec);
        if (!ec) l->socket.bind(endpoint, ec);
        if (ec) {
          throw std::runtime_error(s.name + ": cannot listen on " + config.bind + ":" +
                                   std::to_string(port) + "/udp: " + ec.message());
        }
        r->datagram_listeners.push_back(std::move(l));
      }
      return r;
    }
    r->service = spec->make(config.persona, s.settings);
    for (const auto port : s.ports) {
      auto l = std::make_unique<Listener>(
          Listener{s.name, spec->ip_field, r->service.get(), tcp::acceptor(io), r.get()});
      const tcp::endpoint endpoint(address, port);
      boost::system::error_code ec;
      l->acceptor.open(endpoint.protocol(), ec);
      if (!ec) l->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) l->acceptor.bind(endpoint, ec);
      if (!ec) l->acceptor.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        throw std::runtime_error(s.name + ": cannot listen on " + config.bind + ":" +
                                 std::to_string(port) + ": " + ec.message());
      }
      l->port = l->acceptor.local_endpoint(ec).port();
      r->listeners.push_back(std::move(l));
    }
    return r;
  }

  void serve(Running& r) {
    for (auto& l : r.listeners) {
      boost::system::error_code ec;
      const auto port = l->acceptor.local_endpoint(ec).port();
      emitter.emit(l->service, "startup", {}, Severity::kInfo,
                   "listening on " + config.bind + ":" + std::to_string(port));
      asio::co_spawn(io, accept_loop(l.get()), asio::detached);
    }
    for (auto& l : r.datagram_listeners) {
      boost::system::error_code ec;
      const auto port = l->socket.local_endpoint(ec).port();
      emitter.emit(l->service, "startup", {}, Severity::kInfo,
                   "listening on " + config.bind + ":" + std::to_string(port) + "/udp");
      asio::co_spawn(io, datagram_loop(l.get()), asio::detached);
    }
  }

  // Closes the service's sockets and ends its connections.
  void stop_service(Running& r) {
    r.stopped = true;
    boost::system::error_code ignored;
    for (auto& l : r.listeners) l->acceptor.close(ignored);
    for (auto& l : r.datagram_listeners) l->socket.close(ignored);
    for (auto& [_, open] : sessions) {
      if (open.owner != &r) continue;
      if (auto session = open.session.lock()) session->close();
    }
  }

  // Services of `next` that are new or changed start, those gone or changed stop, the rest
  // keep their sockets and connections. A service that cannot start is reported and left out.
  void reconfigure(const DeckyConfig& next) {
    if (stopping) return;
    errors.clear();
    std::vector<std::unique_ptr<Running>> kept;
    for (auto& r : running) {
      const bool same = std::any_of(next.services.begin(), next.services.end(),
                                    [&](const auto& s) { return same_service(s, r->config); });
      if (same) {
        kept.push_back(std::move(r));
        continue;
      }
      stop_service(*r);
      emitter.emit(r->config.name, "shutdown", {}, Severity::kInfo, "service removed");
      retired.push_back(std::move(r));
    }
    running = std::move(kept);
    for (const auto& s : next.services) {
      const bool have = std::any_of(running.begin(), running.end(),
                                    [&](const auto& r) { return same_service(s, r->config); });
      if (have) continue;
      try {
        auto r = start_service(s);
        if (serving) serve(*r);
        running.push_back(std::move(r));
      } catch (const std::exception& e) {
        errors.emplace_back(e.what());
      }
    }
    config.services = next.services;
    config.tarpit = next.tarpit;  // for connections from now on
    config.config_digest = next.config_digest;
    write_status();
  }

  // One datagram at a time: the answer is made at once and sent before the next is read, so a
  // flood costs one buffer, and the limits decide who gets an answer or a line at all.
  asio::awaitable<void> datagram_loop(DatagramListener* l) {
    std::string buffer(65'536, '\0');
    while (!stopping) {
      udp::endpoint from;
      boost::system::error_code ec;
      const auto n = co_await l->socket.async_receive_from(
          asio::buffer(buffer), from, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted || !l->socket.is_open()) break;
        continue;
      }
      auto address = from.address();
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
      }
      DatagramPeer peer(emitter, l->service, l->ip_field, address.to_string(), from.port());
      const auto verdict = datagram_limits.admit(peer.ip());
      if (verdict == DatagramLimits::Verdict::kDropFirst) {
        peer.emit("rate_limited", {}, Severity::kWarning);
      }
      if (verdict != DatagramLimits::Verdict::kAnswer) continue;
      std::string answer;
      try {
        answer = l->handler->answer(std::string_view(buffer.data(), n), peer);
      } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): no answer, then
      }
      if (answer.empty()) continue;
      co_await l->socket.async_send_to(asio::buffer(answer), from,
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<void> serve_one(Running* owner, std::shared_ptr<Session> session,
                                  std::string source, std::uint16_t tarpit_port) {
    const auto started = std::chrono::steady_clock::now();
    try {
      co_await owner->service->serve(session);
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the connection just ends
    }
    session->close();
    if (tarpit_port) {
      const auto held = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.3f", held.count());
      emitter.emit("tarpit", "tarpit_exit",
                   {{"src_ip", session->peer_ip()},
                    {"src_port", std::to_string(session->peer_port())},
                    {"port", std::to_string(tarpit_port)},
                    {"duration_s", seconds},
                    {"sid", session->id()}},
                   Severity::kNotice);
    }
    sessions.erase(session.get());
    --owner->open;
    limits.release(source);
  }

  asio::awaitable<void> accept_loop(Listener* l) {
    asio::steady_timer pause(io);
    while (!stopping && !l->owner->stopped) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await l->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || l->owner->stopped || ec == asio::error::operation_aborted) break;
        // Out of descriptors or memory: wait for connections to end rather than spin.
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      boost::system::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) continue;
      auto address = peer.address();
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
      }
      auto source = address.to_string();
      if (!limits.admit(source)) {
        socket.close(peer_ec);
        continue;
      }
      ++accepted;
      ++l->owner->accepted;
      ++l->owner->open;
      auto session = std::make_shared<Session>(std::move(socket), emitter, l->service, l->ip_field,
                                               config.session);
      session->arm();
      std::uint16_t tarpit_port = 0;
      if (config.tarpit.covers(l->port)) {
        tarpit_port = l->port;
        session->set_write_delay(config.tarpit.delay);
        emitter.emit("tarpit", "tarpit_enter",
                     {{"src_ip", session->peer_ip()},
                      {"src_port", std::to_string(session->peer_port())},
                      {"port", std::to_string(l->port)},
                      {"service", l->service},
                      {"delay_ms", std::to_string(config.tarpit.delay.count())},
                      {"sid", session->id()}},
                     Severity::kNotice);
      }
      sessions.emplace(session.get(), Open{session, l->owner, tarpit_port});
      asio::co_spawn(io, serve_one(l->owner, std::move(session), std::move(source), tarpit_port),
                     asio::detached);
    }
  }

  // The heartbeat: written whole to a temporary file and renamed over the last one, so a
  // reader never sees half of it.
  void write_status() {
    if (config.status_file.empty()) return;
    nlohmann::json services = nlohmann::json::object();
    for (const auto& r : running) {
      services[r->config.name] = {
          {"ports", r->config.ports}, {"accepted", r->accepted}, {"open", r->open}};
    }
    nlohmann::json tarpitted = nlohmann::json::array();
    for (const auto& [_, open] : sessions) {
      if (!open.tarpit_port) continue;
      if (const auto session = open.session.lock()) {
        tarpitted.push_back({{"ip", session->peer_ip()}, {"port", open.tarpit_port}});
      }
    }
    const nlohmann::json status = {{"tarpitted", std::move(tarpitted)},
                                   {"at", std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()},
                                   {"pid", ::getpid()},
                                   {"config_digest", config.config_digest},
                                   {"services", std::move(services)},
                                   {"errors", errors},
                                   {"connections_open", limits.open()},
                                   {"lines", emitter.emitted()},
                                   {"delivered", uplink.stats().delivered},
                                   {"master_connected", uplink.stats().connected}};
    const auto temporary = config.status_file.string() + ".tmp";
    {
      std::ofstream out(temporary, std::ios::trunc);
      out << core::json_text(status);
      if (!out) return;
    }
    std::error_code ec;
    std::filesystem::rename(temporary, config.status_file, ec);
  }

  asio::awaitable<void> status_loop() {
    while (!stopping) {
      write_status();
      status_tick.expires_after(config.status_interval);
      boost::system::error_code ec;
      co_await status_tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Stops accepting and ends every connection, then gives the uplink a few seconds to deliver
  // the lines those endings emitted (disconnects, recordings) before it stops too; whatever is
  // still undelivered stays in the outbox for the next start.
  void shut_down() {
    stopping = true;
    status_tick.cancel();
    for (auto& r : running) stop_service(*r);
    for (auto& [_, open] : sessions) {
      if (auto s = open.session.lock()) s->close();
    }
    asio::co_spawn(io, drain_then_stop(), asio::detached);
  }

  asio::awaitable<void> drain_then_stop() {
    asio::steady_timer tick(io);
    const auto deadline = std::chrono::steady_clock::now() + kDrainTime;
    while (std::chrono::steady_clock::now() < deadline &&
           (!sessions.empty() || spool.pending_bytes() > 0)) {
      tick.expires_after(std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    uplink.stop();
  }
};

DeckyServer::DeckyServer(DeckyConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {
  impl_->bind();
}

DeckyServer::~DeckyServer() = default;

void DeckyServer::drop_privileges() {
  const auto& user = impl_->config.run_as_user;
  if (::geteuid() != 0 || user.empty() || user == "root") return;
  passwd entry{};
  passwd* pw = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &pw) != 0 || !pw) {
    throw std::runtime_error("DECNET_DECKY_USER: no user '" + user + "'");
  }
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  // The outbox stays writable after the switch.
  std::error_code ec;
  const auto own = [&](const std::filesystem::path& p) {
    if (::chown(p.c_str(), uid, gid) != 0) {
      throw std::runtime_error("outbox " + p.string() + ": " +
                               std::generic_category().message(errno));
    }
  };
  own(impl_->config.outbox_dir);
  if (!impl_->config.home.empty()) {
    std::filesystem::create_directories(impl_->config.home, ec);
    own(impl_->config.home);
  }
  for (const auto& entry : std::filesystem::directory_iterator(impl_->config.outbox_dir, ec)) {
    own(entry.path());
  }
  if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
    throw std::runtime_error("DECNET_DECKY_USER: cannot become '" + user +
                             "': " + std::generic_category().message(errno));
  }
  if (::setuid(0) == 0) throw std::runtime_error("DECNET_DECKY_USER: root could be regained");
}

void DeckyServer::run() {
  auto& i = *impl_;
  i.uplink.start();
  i.serving = true;
  for (auto& r : i.running) i.serve(*r);
  asio::co_spawn(i.io, i.status_loop(), asio::detached);
  i.io.run();
  i.spool.save_cursor();
}

void DeckyServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->shut_down(); });
}

void DeckyServer::reconfigure(DeckyConfig next) {
  asio::post(impl_->io, [impl = impl_.get(), next = std::move(next)] { impl->reconfigure(next); });
}

std::vector<std::pair<std::string, std::uint16_t>> DeckyServer::bound_ports() const {
  std::vector<std::pair<std::string, std::uint16_t>> out;
  for (const auto& r : impl_->running) {
    for (const auto& l : r->listeners) {
      boost::system::error_code ec;
      out.emplace_back(l->service, l->acceptor.local_endpoint(ec).port());
    }
    for (const auto& l : r->datagram_listeners) {
      boost::system::error_code ec;
      out.emplace_back(l->service, l->socket.local_endpoint(ec).port());
    }
  }
  return out;
}

DeckyStats DeckyServer::stats() const {
  const auto& i = *impl_;
  DeckyStats s;
  s.accepted = i.accepted;
  s.refused = i.limits.refused();
  s.datagrams_dropped = i.datagram_limits.dropped();
  s.open = i.limits.open();
  s.lines = i.emitter.emitted();
  s.outbox_dropped = i.spool.dropped_lines();
  s.outbox_pending_bytes = i.spool.pending_bytes();
  s.delivered = i.uplink.stats().delivered;
  s.master_connected = i.uplink.stats().connected;
  return s;
}

}  // namespace decnet::decky
