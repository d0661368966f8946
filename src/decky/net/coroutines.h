// Boost.Asio's C++20 coroutine support, included through here: Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so <utility> must come first.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
// clang-format on
