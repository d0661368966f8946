#include "decky/emit/uplink.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>

#include "decky/net/coroutines.h"
#include "decky/protocol/relp_reply_parser.h"

namespace decnet::decky {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

constexpr std::size_t kBatchBytes = 262'144;  // written to the master per write
constexpr std::size_t kStdoutBatchBytes = 65'536;

struct Uplink::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Spool& spool, UplinkOptions options)
      : io(io), spool(spool), options(std::move(options)), wake_timer(io), backoff_timer(io) {}

  asio::io_context& io;
  Spool& spool;
  UplinkOptions options;
  std::optional<asio::ssl::context> tls;
  std::optional<tcp::socket> socket;
  std::optional<asio::ssl::stream<tcp::socket>> tls_stream;
  asio::steady_timer wake_timer;
  asio::steady_timer backoff_timer;
  UplinkStats stats;
  bool stopping = false;
  bool session_broken = false;
  std::uint64_t generation = 0;  // of the session, so a late reader cannot touch the next

  struct InFlight {
    std::uint64_t txnr;
    SpoolPosition end;
  };
  std::deque<InFlight> in_flight;
  std::uint64_t next_txnr = 1;

  void wake() { wake_timer.cancel(); }

  void load_tls() {
    tls.emplace(asio::ssl::context::tls_client);
    tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                     asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    const auto load = [](const std::filesystem::path& p, const char* what, auto&& fn) {
      boost::system::error_code ec;
      fn(ec);
      if (ec) throw std::runtime_error(std::string(what) + " " + p.string() + ": " + ec.message());
    };
    if (!options.ca_file.empty()) {
      load(options.ca_file, "CA file",
           [&](auto& ec) { tls->load_verify_file(options.ca_file.string(), ec); });
      tls->set_verify_mode(asio::ssl::verify_peer);
    } else {
      tls->set_default_verify_paths();
      tls->set_verify_mode(asio::ssl::verify_peer);
    }
    if (!options.cert_file.empty()) {
      load(options.cert_file, "certificate",
           [&](auto& ec) { tls->use_certificate_chain_file(options.cert_file.string(), ec); });
      load(options.key_file, "key", [&](auto& ec) {
        tls->use_private_key_file(options.key_file.string(), asio::ssl::context::pem, ec);
      });
    }
  }

  awaitable<void> write(const std::string& bytes) {
    if (tls_stream) {
      co_await asio::async_write(*tls_stream, asio::buffer(bytes), use_awaitable);
    } else {
      co_await asio::async_write(*socket, asio::buffer(bytes), use_awaitable);
    }
  }

  awaitable<std::size_t> read_some(char* data, std::size_t size) {
    if (tls_stream)
      co_return co_await tls_stream->async_read_some(asio::buffer(data, size), use_awaitable);
    co_return co_await socket->async_read_some(asio::buffer(data, size), use_awaitable);
  }

  tcp::socket& lowest() { return tls_stream ? tls_stream->next_layer() : *socket; }

  void close() {
    boost::system::error_code ignored;
    if (tls_stream) tls_stream->next_layer().close(ignored);
    if (socket) socket->close(ignored);
  }

  awaitable<void> connect() {
    tcp::resolver resolver(io);
    const auto endpoints =
        co_await resolver.async_resolve(options.host, std::to_string(options.port), use_awaitable);
    tls_stream.reset();
    socket.reset();
    if (options.tls) {
      tls_stream.emplace(io, *tls);
    } else {
      socket.emplace(io);
    }
    co_await asio::async_connect(lowest(), endpoints, use_awaitable);
    lowest().set_option(tcp::no_delay(true));
    if (options.tls) {
      SSL_set_tlsext_host_name(tls_stream->native_handle(), options.host.c_str());
      tls_stream->set_verify_callback(asio::ssl::host_name_verification(options.host));
      co_await tls_stream->async_handshake(asio::ssl::stream_base::client, use_awaitable);
    }
  }

  // Waits until woken (new lines, a reply freeing the window) or a second has passed.
  awaitable<void> wait_for_work() {
    wake_timer.expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await wake_timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }

  static std::string relp_frame(std::uint64_t txnr, std::string_view command,
                                std::string_view data) {
    std::string out = std::to_string(txnr);
    out += ' ';
    out += command;
    out += ' ';
    out += std::to_string(data.size());
    if (!data.empty()) {
      out += ' ';
      out += data;
    }
    out += '\n';
    return out;
  }

  std::uint64_t take_txnr() {
    const auto t = next_txnr;
    next_txnr = next_txnr >= 999'999'999 ? 1 : next_txnr + 1;
    return t;
  }

  // Reads the master's answers until the session breaks, releasing lines as they are answered.
  awaitable<void> read_replies(std::shared_ptr<Impl> /*alive*/, std::uint64_t session) {
    RelpReplyParser parser;
    char buffer[4096];
    try {
      while (!session_broken && session == generation) {
        const auto n = co_await read_some(buffer, sizeof buffer);
        if (session != generation) co_return;
        bool bad = false;
        const bool parsed = parser.feed(std::string_view(buffer, n), [&](const RelpReply& r) {
          if (r.command == "serverclose") {
            bad = true;
            stats.last_error = "master closed the session";
            return;
          }
          if (in_flight.empty() || in_flight.front().txnr != r.txnr || !r.ok()) {
            bad = true;
            stats.last_error = "unexpected RELP reply " + std::to_string(r.txnr) + " " + r.data;
            return;
          }
          spool.acknowledge(in_flight.front().end);
          in_flight.pop_front();
          ++stats.delivered;
        });
        if (!parsed) stats.last_error = "RELP: " + parser.error();
        if (!parsed || bad) break;
        wake();
      }
    } catch (const boost::system::system_error& e) {
      if (session != generation) co_return;
      stats.last_error = e.code().message();
    }
    if (session != generation) co_return;
    session_broken = true;
    close();
    wake();
  }

  awaitable<void> relp_session() {
    // The open handshake: answered before anything else is sent.
    const std::string offers = "relp_version=0\nrelp_software=decnet-decky\ncommands=syslog";
    next_txnr = 1;
    co_await write(relp_frame(take_txnr(), "open", offers));
    {
      RelpReplyParser parser;
      std::optional<RelpReply> answer;
      char buffer[4096];
      while (!answer) {
        const auto n = co_await read_some(buffer, sizeof buffer);
        if (!parser.feed(std::string_view(buffer, n), [&](const RelpReply& r) { answer = r; })) {
          throw std::runtime_error("RELP: " + parser.error());
        }
      }
      if (!answer->ok()) throw std::runtime_error("RELP open refused: " + answer->data);
    }
    stats.connected = true;
    in_flight.clear();
    spool.rewind();
    session_broken = false;
    asio::co_spawn(io, read_replies(shared_from_this(), ++generation), asio::detached);
    std::string batch;
    while (!stopping && !session_broken) {
      batch.clear();
      while (in_flight.size() < options.window && batch.size() < kBatchBytes) {
        auto line = spool.next();
        if (!line) break;
        const auto txnr = take_txnr();
        batch += relp_frame(txnr, "syslog", line->text);
        in_flight.push_back({txnr, line->end});
      }
      if (batch.empty()) {
        co_await wait_for_work();
        continue;
      }
      co_await write(batch);
    }
  }

  awaitable<void> octet_session() {
    stats.connected = true;
    spool.rewind();
    std::string batch;
    while (!stopping) {
      batch.clear();
      std::optional<SpoolPosition> last;
      std::uint64_t lines = 0;
      while (batch.size() < kBatchBytes) {
        auto line = spool.next();
        if (!line) break;
        batch += std::to_string(line->text.size());
        batch += ' ';
        batch += line->text;
        last = line->end;
        ++lines;
      }
      if (!last) {
        co_await wait_for_work();
        continue;
      }
      co_await write(batch);
      spool.acknowledge(*last);
      stats.delivered += lines;
    }
  }

  awaitable<void> stdout_loop() {
    stats.connected = true;
    spool.rewind();
    while (!stopping) {
      std::string batch;
      std::optional<SpoolPosition> last;
      std::uint64_t lines = 0;
      while (batch.size() < kStdoutBatchBytes) {
        auto line = spool.next();
        if (!line) break;
        batch += line->text;
        batch += '\n';
        last = line->end;
        ++lines;
      }
      if (!last) {
        co_await wait_for_work();
        continue;
      }
      std::string_view rest = batch;
      while (!rest.empty()) {
        const auto n = ::write(STDOUT_FILENO, rest.data(), rest.size());
        if (n <= 0) throw std::runtime_error("standard output closed");
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      spool.acknowledge(*last);
      stats.delivered += lines;
    }
  }

  awaitable<void> run(std::shared_ptr<Impl> /*alive*/) {
    auto backoff = options.reconnect_min;
    while (!stopping) {
      try {
        if (options.transport == UplinkTransport::kStdout) {
          co_await stdout_loop();
          break;
        }
        co_await connect();
        ++stats.connects;
        backoff = options.reconnect_min;
        if (options.transport == UplinkTransport::kRelp) {
          co_await relp_session();
        } else {
          co_await octet_session();
        }
      } catch (const boost::system::system_error& e) {
        stats.last_error = e.code().message();
      } catch (const std::exception& e) {
        stats.last_error = e.what();
      }
      session_broken = true;
      stats.connected = false;
      close();
      if (stopping) break;
      ++stats.failures;
      backoff_timer.expires_after(backoff);
      boost::system::error_code ec;
      co_await backoff_timer.async_wait(asio::redirect_error(use_awaitable, ec));
      backoff = std::min(backoff * 2, options.reconnect_max);
    }
    spool.save_cursor();
  }
};

Uplink::Uplink(asio::io_context& io, Spool& spool, UplinkOptions options)
    : impl_(std::make_shared<Impl>(io, spool, std::move(options))) {
  if (impl_->options.tls) impl_->load_tls();
}

Uplink::~Uplink() = default;

void Uplink::start() {
  asio::co_spawn(impl_->io, impl_->run(impl_), asio::detached);
}

void Uplink::stop() {
  asio::post(impl_->io, [impl = impl_] {
    impl->stopping = true;
    impl->session_broken = true;
    impl->close();
    impl->wake_timer.cancel();
    impl->backoff_timer.cancel();
  });
}

void Uplink::wake() {
  impl_->wake();
}

const UplinkStats& Uplink::stats() const {
  return impl_->stats;
}

}  // namespace decnet::decky
