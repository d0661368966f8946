// The buffer is one string appended under a mutex; the server swaps it out whole, so a burst of
// small events costs one socket write. Buffered bytes include the write in progress: a client
// whose TCP window is closed keeps that write pending, so the limit is reached even though the
// server has "taken" the data.
#include "api/http/event_stream.h"

#include "api/http/http_types.h"

namespace decnet::api {

namespace {

template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (true) {
    const auto end = text.find_first_of("\r\n");
    fn(text.substr(0, end));
    if (end == std::string_view::npos) return;
    const std::size_t skip =
        (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1;
    text.remove_prefix(end + skip);
  }
}

}  // namespace

EventStream::EventStream() : EventStream(Options{}) {}
EventStream::EventStream(Options options) : options_(options) {}
EventStream::~EventStream() = default;

std::string EventStream::format_event(std::string_view id, std::string_view event,
                                      std::string_view data) {
  std::string frame;
  frame.reserve(data.size() + id.size() + event.size() + 24);
  if (!id.empty()) frame += "id: " + single_line(id) + "\n";
  if (!event.empty()) frame += "event: " + single_line(event) + "\n";
  for_each_line(data, [&](std::string_view line) {
    frame += "data: ";
    frame += line;
    frame += '\n';
  });
  frame += '\n';
  return frame;
}

std::string EventStream::format_comment(std::string_view text) {
  std::string frame;
  for_each_line(text, [&](std::string_view line) {
    frame += ": ";
    frame += line;
    frame += '\n';
  });
  frame += '\n';
  return frame;
}

bool EventStream::send(std::string_view id, std::string_view event, std::string_view data) {
  return enqueue(format_event(id, event, data));
}

bool EventStream::comment(std::string_view text) {
  return enqueue(format_comment(text));
}

bool EventStream::enqueue(std::string_view frame) {
  std::function<void()> wake;
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (finished_ || overflow_ || producer_closed_) return false;
    if (pending_.size() + in_flight_ + frame.size() > options_.max_buffer_bytes) {
      overflow_ = true;
      pending_.clear();
    } else {
      pending_ += frame;
      accepted = true;
    }
    wake = wake_;
  }
  if (wake) wake();
  return accepted;
}

void EventStream::close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (producer_closed_) return;
    producer_closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool EventStream::is_open() const {
  std::lock_guard lock(mutex_);
  return !finished_ && !overflow_ && !producer_closed_;
}

void EventStream::on_close(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!finished_) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void EventStream::attach(const std::function<void()>& wake) {
  {
    std::lock_guard lock(mutex_);
    wake_ = wake;
  }
  if (wake) wake();
}

bool EventStream::take(std::string* out) {
  std::lock_guard lock(mutex_);
  if (pending_.empty() || overflow_) return false;
  in_flight_ += pending_.size();
  out->swap(pending_);
  pending_.clear();
  return true;
}

void EventStream::written(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  in_flight_ = bytes > in_flight_ ? 0 : in_flight_ - bytes;
}

bool EventStream::should_end() const {
  std::lock_guard lock(mutex_);
  return finished_ || overflow_ || (producer_closed_ && pending_.empty());
}

bool EventStream::overflowed() const {
  std::lock_guard lock(mutex_);
  return overflow_;
}

void EventStream::finish() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    wake_ = nullptr;
    pending_.clear();
    callbacks.swap(on_close_);
  }
  for (auto& cb : callbacks) {
    try {
      cb();
    } catch (...) {
    }
  }
}

}  // namespace decnet::api
