// Clang's thread-safety analysis (-Wthread-safety): which mutex guards which member, and which
// functions must hold it, written into the declarations so `make tidy` (which runs clang with
// the analysis on) rejects an access made without the lock. GCC ignores the attributes.
//
// libstdc++'s std::mutex carries no annotations, so state that wants checking uses core::Mutex
// and core::MutexLock below, thin wrappers over std::mutex and std::unique_lock that work with
// std::condition_variable through native().
#pragma once

#include <mutex>

#if defined(__clang__)
#define DECNET_THREAD_ATTRIBUTE(x) __attribute__((x))
#else
#define DECNET_THREAD_ATTRIBUTE(x)
#endif

#define CAPABILITY(x) DECNET_THREAD_ATTRIBUTE(capability(x))
#define SCOPED_CAPABILITY DECNET_THREAD_ATTRIBUTE(scoped_lockable)
#define GUARDED_BY(x) DECNET_THREAD_ATTRIBUTE(guarded_by(x))
#define PT_GUARDED_BY(x) DECNET_THREAD_ATTRIBUTE(pt_guarded_by(x))
#define REQUIRES(...) DECNET_THREAD_ATTRIBUTE(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) DECNET_THREAD_ATTRIBUTE(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) DECNET_THREAD_ATTRIBUTE(acquire_capability(__VA_ARGS__))
#define RELEASE(...) DECNET_THREAD_ATTRIBUTE(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) DECNET_THREAD_ATTRIBUTE(try_acquire_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) DECNET_THREAD_ATTRIBUTE(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS DECNET_THREAD_ATTRIBUTE(no_thread_safety_analysis)

namespace decnet::core {

class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }
  // Tells the analysis the caller holds the lock (a condition variable's predicate does).
  void assert_held() const ASSERT_CAPABILITY(this) {}

 private:
  friend class MutexLock;
  std::mutex mutex_;
};

// Holds `mutex` for its scope. native() is the std::unique_lock a std::condition_variable
// waits on; the wait gives the lock up and takes it back, so it is held again afterwards.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  ~MutexLock() RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace decnet::core
