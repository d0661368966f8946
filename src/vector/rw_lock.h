// A reader/writer lock that prefers writers. std::shared_mutex on glibc prefers readers, so a
// steady stream of knn() calls (each overlapping the next) can keep an insert waiting forever;
// with writer preference a waiting insert stops new searches from starting and gets in as
// soon as the running ones finish. Meets the Lockable and SharedLockable requirements, so it
// works with std::unique_lock and std::shared_lock.
#pragma once

#include <pthread.h>

namespace decnet::vector {

class RwLock {
 public:
  RwLock();
  ~RwLock();
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  void lock();
  void unlock();
  void lock_shared();
  void unlock_shared();

 private:
  pthread_rwlock_t lock_;
};

}  // namespace decnet::vector
