// One-time tickets for the live event stream. Browsers cannot set an Authorization header on an
// EventSource, and a JWT in the URL would end up in proxy and server logs for its whole 4-hour
// life; so the dashboard trades its token for a ticket (POST /auth/sse-ticket) and opens
// /stream?ticket=... within 60 seconds. A ticket is 32 random bytes, works once (a second use
// fails even within its lifetime) and carries the principal as it was when issued. The store
// is bounded: at most max_per_user outstanding tickets per user (older ones are dropped) and
// max_tickets in all (beyond that, issue() refuses). Tickets are kept by their SHA-256, so a
// lookup's timing says nothing about stored ticket values. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/auth/rate_limiter.h"
#include "api/http/principal.h"

namespace decnet::api {

struct SseTicket {
  std::string ticket;           // base64url, no '.', 43 characters
  std::int64_t expires_in = 0;  // seconds
};

class SseTicketStore {
 public:
  struct Options {
    std::chrono::seconds ttl{60};
    std::size_t max_tickets = 10000;
    std::size_t max_per_user = 16;
    MonotonicClock clock;  // empty: steady_clock
  };

  SseTicketStore();
  explicit SseTicketStore(Options options);

  // nullopt when the store is full of unexpired tickets.
  std::optional<SseTicket> issue(const Principal& principal);
  // The principal, once; unknown, used or expired tickets give nullopt.
  std::optional<Principal> redeem(std::string_view ticket);

  std::size_t size() const;

 private:
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point expires;
    std::chrono::steady_clock::time_point issued;
  };

  void sweep_locked(std::chrono::steady_clock::time_point now);

  Options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> tickets_;  // sha256(ticket) -> entry
};

}  // namespace decnet::api
