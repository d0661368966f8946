// Expired tickets are swept on every issue and redeem; the per-user cap drops that user's
// oldest ticket, so one account cannot crowd out the others.
#include "api/auth/sse_tickets.h"

#include <array>

#include "core/base64.h"
#include "core/hash.h"

namespace decnet::api {
namespace {

constexpr std::size_t kTicketBytes = 32;
constexpr std::size_t kMaxTicketText = 128;

std::string key_of(std::string_view ticket) {
  const auto digest = core::sha256(ticket);
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace

SseTicketStore::SseTicketStore() : SseTicketStore(Options{}) {}

SseTicketStore::SseTicketStore(Options options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
  if (options_.max_per_user == 0) options_.max_per_user = 1;
}

void SseTicketStore::sweep_locked(std::chrono::steady_clock::time_point now) {
  std::erase_if(tickets_, [&](const auto& kv) { return kv.second.expires <= now; });
}

std::optional<SseTicket> SseTicketStore::issue(const Principal& principal) {
  std::array<std::uint8_t, kTicketBytes> raw{};
  core::secure_random_bytes(raw);
  SseTicket out;
  out.ticket = core::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  out.expires_in = options_.ttl.count();

  const auto now = options_.clock();
  std::lock_guard lock(mutex_);
  sweep_locked(now);
  std::size_t mine = 0;
  auto oldest = tickets_.end();
  for (auto it = tickets_.begin(); it != tickets_.end(); ++it) {
    if (it->second.principal.user_uuid != principal.user_uuid) continue;
    ++mine;
    if (oldest == tickets_.end() || it->second.issued < oldest->second.issued) oldest = it;
  }
  if (mine >= options_.max_per_user) tickets_.erase(oldest);
  if (tickets_.size() >= options_.max_tickets) return std::nullopt;
  tickets_.emplace(key_of(out.ticket), Entry{principal, now + options_.ttl, now});
  return out;
}

std::optional<Principal> SseTicketStore::redeem(std::string_view ticket) {
  if (ticket.empty() || ticket.size() > kMaxTicketText) return std::nullopt;
  const auto key = key_of(ticket);
  const auto now = options_.clock();
  std::lock_guard lock(mutex_);
  const auto it = tickets_.find(key);
  if (it == tickets_.end()) {
    sweep_locked(now);
    return std::nullopt;
  }
  auto entry = std::move(it->second);
  tickets_.erase(it);
  sweep_locked(now);
  if (entry.expires <= now) return std::nullopt;
  return std::move(entry.principal);
}

std::size_t SseTicketStore::size() const {
  std::lock_guard lock(mutex_);
  return tickets_.size();
}

}  // namespace decnet::api
