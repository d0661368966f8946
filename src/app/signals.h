// Shutdown signals for long-running commands. SIGINT and SIGTERM are blocked in every thread
// (call before starting any) and collected synchronously by the main thread, so no work runs in
// a signal handler.
#pragma once

namespace decnet::app {

void block_shutdown_signals();
// Waits for SIGINT or SIGTERM and returns its number.
int wait_for_shutdown_signal();
// As above, and SIGHUP too (blocked in every thread by block_shutdown_signals as well): for a
// process that re-reads its configuration on it.
int wait_for_shutdown_or_reload_signal();

}  // namespace decnet::app
