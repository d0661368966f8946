// Writes go through one writer that commits many callers' work in one transaction (group
// commit). A caller hands over a function; it runs on the writer with a WriteScope — the
// proof that it is inside that transaction — and its future resolves only after the commit,
// so whoever publishes an event about the rows publishes after they are durable.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>

namespace decnet::store {

// Opaque to callers; each backend derives its own carrying the connection.
class WriteScope {
 public:
  virtual ~WriteScope() = default;
  // How many write transactions of this writer have been rolled back so far. A caller that keeps
  // state across writes (what it created, what it counted) compares it with the value it last
  // saw: a difference means part of what it learned was undone and must be learned again from
  // the database before it is relied on.
  virtual std::uint64_t undone_transactions() const = 0;
};

// `run` may throw; its writes are then undone. It may also be run a second time: when another
// task of the same group commit fails, the group is rolled back and each task is replayed in a
// transaction of its own, so `run` must not count on its side effects outside the database
// happening once.
struct WriteTask {
  std::function<void(WriteScope&)> run;
  std::function<void(std::exception_ptr error)> done;  // after commit; error null on success
};

// The submitting side of the writer, implemented by each backend.
class WriteQueue {
 public:
  virtual ~WriteQueue() = default;
  virtual void submit(WriteTask task) = 0;

  // Runs fn(WriteScope&) in the next group commit; the future yields its result after commit.
  template <typename Fn>
  auto write(Fn fn) -> std::future<std::invoke_result_t<Fn, WriteScope&>> {
    using Result = std::invoke_result_t<Fn, WriteScope&>;
    auto promise = std::make_shared<std::promise<Result>>();
    auto future = promise->get_future();
    if constexpr (std::is_void_v<Result>) {
      submit({[fn = std::move(fn)](WriteScope& scope) mutable { fn(scope); },
              [promise](std::exception_ptr error) {
                if (error) {
                  promise->set_exception(error);
                } else {
                  promise->set_value();
                }
              }});
    } else {
      auto result = std::make_shared<std::optional<Result>>();
      submit(
          {[fn = std::move(fn), result](WriteScope& scope) mutable { result->emplace(fn(scope)); },
           [promise, result](std::exception_ptr error) {
             if (error) {
               promise->set_exception(error);
             } else {
               promise->set_value(std::move(**result));
             }
           }});
    }
    return future;
  }

  // write(fn).get(): for callers that have nothing else to do meanwhile.
  template <typename Fn>
  auto write_now(Fn fn) {
    return write(std::move(fn)).get();
  }
};

}  // namespace decnet::store
