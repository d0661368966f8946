// glibc's writer-preferring kind is the "nonrecursive" one: a thread must not take the shared
// lock twice, which the store never does.
#include "vector/rw_lock.h"

#include <system_error>

namespace decnet::vector {

RwLock::RwLock() {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
  const int rc = pthread_rwlock_init(&lock_, &attr);
  pthread_rwlockattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_rwlock_init");
}

RwLock::~RwLock() {
  pthread_rwlock_destroy(&lock_);
}

void RwLock::lock() {
  if (const int rc = pthread_rwlock_wrlock(&lock_); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_rwlock_wrlock");
  }
}

void RwLock::unlock() {
  pthread_rwlock_unlock(&lock_);
}

void RwLock::lock_shared() {
  if (const int rc = pthread_rwlock_rdlock(&lock_); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_rwlock_rdlock");
  }
}

void RwLock::unlock_shared() {
  pthread_rwlock_unlock(&lock_);
}

}  // namespace decnet::vector
