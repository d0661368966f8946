// Shutdown signals for long-running commands. SIGINT and SIGTERM are blocked in every thread
// (call before starting any) and collected synchronously by the main thread, so no work runs in
// a signal handler.
#pragma once

namespace decnet::app {

void block_shutdown_signals();
// Waits for SIGINT or SIGTERM and returns its number.
int wait_for_shutdown_signal();

}  // namespace decnet::app
