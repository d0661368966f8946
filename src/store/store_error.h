// The storage layer's one error type. Callers branch on `kind` (a constraint violation is an
// answer for the API, e.g. 409; busy or I/O is an operational problem); `what()` is a message
// for the log that names the operation. Constraint violations never crash the writer: the
// failing operation's future carries the error and the rest of its batch commits.
#pragma once

#include <stdexcept>
#include <string>

namespace decnet::store {

class StoreError : public std::runtime_error {
 public:
  enum class Kind {
    kConstraint,  // unique / check / foreign key violated
    kNotFound,    // the row an update needs does not exist
    kInvalid,     // an argument the store refuses (bad JSON, out-of-range limit)
    kBusy,        // the database stayed locked past the busy timeout
    kIo,          // open, read or write failed
    kMigration,   // schema missing, newer than this binary, or a migration failed
    kClosed,      // the store was closed
    kTimeout,     // a read ran past the caller's QueryDeadline
    kFull,        // the disk, or the database's configured size limit, is full
  };

  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace decnet::store
