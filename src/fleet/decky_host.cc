#include "fleet/decky_host.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/hash.h"
#include "core/ip.h"
#include "decky/fleet/decky_launcher.h"
#include "decky/service_registry.h"

namespace decnet::fleet {
namespace {

constexpr std::size_t kLogTail = 600;

// Our own child, whether or not it has reached exec yet (until then its command line is ours,
// which decky_running() would not recognise).
bool child_alive(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return false;
  return ::kill(pid, 0) == 0;
}

std::string log_tail(const std::filesystem::path& log) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  const auto from = size > kLogTail ? size - kLogTail : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

int prefix_length_of(const std::string& subnet) {
  const auto prefix = core::IpPrefix::parse(subnet, false);
  if (!prefix || !prefix->base.is_v4()) {
    throw decky::FleetError("subnet '" + subnet + "' is not an IPv4 CIDR");
  }
  return prefix->length;
}

DeckyHost::DeckyHost(DeckyHostOptions options)
    : options_(std::move(options)), network_(options_.bridge) {}

std::filesystem::path DeckyHost::dir_of(const std::string& name) const {
  return options_.fleet_dir / name;
}

bool DeckyHost::namespace_exists(const std::string& name) const {
  return std::filesystem::exists("/run/netns/" + decky::NamespaceNetwork::namespace_of(name));
}

bool DeckyHost::process_alive(pid_t pid) {
  return decky::decky_running(pid);
}

void DeckyHost::ensure_namespace(const decky::PlannedDecky& decky,
                                 const decky::FleetNetwork& network) const {
  const int prefix = prefix_length_of(network.subnet);
  network_.ensure_bridge(network.gateway, prefix);
  if (!namespace_exists(decky.name)) {
    network_.add_decky(decky.name, decky.ip, prefix, network.gateway);
  }
}

std::int64_t DeckyHost::started_at(pid_t pid) {
  // /proc/<pid>/stat's 22nd field: clock ticks after boot; /proc/stat's btime: the boot.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');  // the command name may hold spaces
  if (pid <= 0 || after_name == std::string::npos) return 0;
  std::istringstream fields(text.substr(after_name + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  std::ifstream boot("/proc/stat");
  std::string key;
  std::int64_t btime = 0;
  while (boot >> key) {
    if (key == "btime") {
      boot >> btime;
      break;
    }
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (btime == 0 || ticks <= 0 || field.empty()) return 0;
  return btime + std::stoll(field) / ticks;
}

pid_t DeckyHost::launch(const decky::PlannedDecky& decky,
                        const decky::FleetNetwork& network) const {
  const int prefix = prefix_length_of(network.subnet);
  network_.ensure_bridge(network.gateway, prefix);
  network_.add_decky(decky.name, decky.ip, prefix, network.gateway);
  try {
    return start(decky, network);
  } catch (const decky::FleetError&) {
    network_.remove_decky(decky.name);
    network_.remove_bridge_if_empty();
    throw;
  }
}

std::string DeckyHost::write_ini(const decky::PlannedDecky& decky,
                                 const decky::FleetNetwork& network) const {
  const auto dir = dir_of(decky.name);
  std::filesystem::create_directories(dir);
  const auto text = decky::decky_ini(decky, network.gateway, options_.master_port);
  const auto ini = dir / "decky.ini";
  const auto temporary = dir / "decky.ini.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out) throw decky::FleetError(decky.name + ": cannot write " + ini.string());
  }
  // Per-service secrets: readable by the decky's user alone, who re-reads it on SIGHUP.
  ::chmod(temporary.c_str(), 0600);
  ::chmod(dir.c_str(), 0700);
  passwd entry{};
  passwd* user = nullptr;
  std::vector<char> buffer(16384);
  if (!options_.run_as_user.empty() &&
      ::getpwnam_r(options_.run_as_user.c_str(), &entry, buffer.data(), buffer.size(), &user) ==
          0 &&
      user) {
    if (::chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0 ||
        ::chown(temporary.c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw decky::FleetError(decky.name + ": cannot hand " + dir.string() + " to " +
                              options_.run_as_user);
    }
  }
  std::filesystem::rename(temporary, ini);
  return core::sha256_hex(text);
}

pid_t DeckyHost::start(const decky::PlannedDecky& decky, const decky::FleetNetwork& network) const {
  const auto dir = dir_of(decky.name);
  write_ini(decky, network);
  // The decky works from its own directory with relative paths, so the directories above stay
  // closed to it once it has dropped root.
  return decky::launch_decky({decky.name,
                              decky.name,
                              {options_.decnet_binary, "decky", "run", "--config", "decky.ini"},
                              {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"},
                               {"DECNET_DATA_DIR", "."},
                               {"DECNET_DECKY_USER", options_.run_as_user},
                               {"DECNET_LOG_FORMAT", "json"}},
                              dir / "decky.log",
                              dir});
}

nlohmann::json DeckyHost::status(const std::string& name) const {
  std::ifstream in(dir_of(name) / "decky" / name / "status.json");
  if (!in) return nullptr;
  auto parsed = nlohmann::json::parse(in, nullptr, false);
  return parsed.is_discarded() || !parsed.is_object() ? nlohmann::json(nullptr) : parsed;
}

void DeckyHost::apply(const decky::PlannedDecky& decky, pid_t pid,
                      const std::string& digest) const {
  if (!decky::decky_running(pid) || ::kill(pid, SIGHUP) != 0) {
    throw decky::FleetError(decky.name + ": the decky is not running");
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  while (true) {
    const auto s = status(decky.name);
    if (s.is_object() && s.value("config_digest", "") == digest) {
      const auto errors = s.find("errors");
      if (errors != s.end() && errors->is_array() && !errors->empty()) {
        std::string why;
        for (const auto& e : *errors) {
          if (e.is_string()) why += (why.empty() ? "" : "; ") + e.get<std::string>();
        }
        throw decky::FleetError(decky.name + ": " + why);
      }
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw decky::FleetError(decky.name + ": the new configuration was not taken within " +
                              std::to_string(options_.ready_timeout.count()) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void DeckyHost::wait_ready(const decky::PlannedDecky& decky, pid_t pid) const {
  // The decky writes its first heartbeat once every port is bound and served; this process's
  // own, naming the INI written for it. Nothing connects to it to find out: a probe would be
  // recorded as an attacker.
  std::ifstream in(dir_of(decky.name) / "decky.ini", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto digest = core::sha256_hex(text);
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  const auto log = dir_of(decky.name) / "decky.log";
  const auto fail = [&](const std::string& why) {
    decky::stop_decky(pid);
    throw decky::FleetError(decky.name + ": " + why + ": " + log_tail(log));
  };
  while (true) {
    const auto s = status(decky.name);
    if (s.is_object() && s.value("pid", 0) == pid && s.value("config_digest", "") == digest) {
      return;
    }
    if (!child_alive(pid)) fail("the decky exited");
    if (std::chrono::steady_clock::now() >= deadline) {
      fail("not serving within " + std::to_string(options_.ready_timeout.count()) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void DeckyHost::teardown(const std::string& name, pid_t pid) const {
  if (pid > 0 && !decky::stop_decky(pid)) {
    throw decky::FleetError(name + ": process " + std::to_string(pid) + " did not stop");
  }
  network_.remove_decky(name);
  network_.remove_bridge_if_empty();
}

}  // namespace decnet::fleet
