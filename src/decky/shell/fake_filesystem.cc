#include "decky/shell/fake_filesystem.h"

#include <set>

namespace decnet::decky {

FakeTree::FakeTree(const Persona& persona, const std::vector<std::string>& users) {
  for (const char* d : {"/",         "/bin",         "/boot",     "/dev",         "/etc",
                        "/etc/ssh",  "/etc/cron.d",  "/home",     "/lib",         "/lib64",
                        "/media",    "/mnt",         "/opt",      "/proc",        "/root",
                        "/run",      "/sbin",        "/srv",      "/sys",         "/tmp",
                        "/usr",      "/usr/bin",     "/usr/lib",  "/usr/local",   "/usr/local/bin",
                        "/usr/sbin", "/usr/share",   "/var",      "/var/backups", "/var/cache",
                        "/var/lib",  "/var/log",     "/var/mail", "/var/spool",   "/var/tmp",
                        "/var/www",  "/var/www/html"}) {
    add_dir(d);
  }
  nodes_["/tmp"].mode = "drwxrwxrwt";
  nodes_["/var/tmp"].mode = "drwxrwxrwt";
  nodes_["/root"].mode = "drwx------";
  std::string passwd =
      "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
      "sync:x:4:65534:sync:/bin:/bin/sync\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
      "systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin\n"
      "messagebus:x:100:107::/nonexistent:/usr/sbin/nologin\n"
      "sshd:x:101:65534::/run/sshd:/usr/sbin/nologin\n";
  int uid = 1000;
  for (const auto& user : users) {
    if (user == "root" || user.empty()) continue;
    const auto id = std::to_string(uid);
    passwd.append(user).append(":x:").append(id).append(":").append(id).append(":");
    passwd.append(user).append(",,,:/home/").append(user).append(":/bin/bash\n");
    add_dir("/home/" + user, user);
    nodes_["/home/" + user].mode = "drwxr-x---";
    add_file("/home/" + user + "/.bashrc",
             "# ~/.bashrc: executed by bash(1) for non-login shells.\n", "-rw-r--r--", user);
    add_file("/home/" + user + "/.profile", "# ~/.profile: executed by the command interpreter\n",
             "-rw-r--r--", user);
    ++uid;
  }
  add_file("/etc/passwd", passwd);
  add_file("/etc/shadow", "root:*:19800:0:99999:7:::\n", "-rw-r-----");
  add_file("/etc/group", "root:x:0:\nsudo:x:27:\nwww-data:x:33:\nusers:x:100:\n");
  add_file("/etc/hostname", persona.hostname + "\n");
  add_file("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + persona.hostname + "." +
                             persona.domain + "\t" + persona.hostname + "\n");
  add_file("/etc/debian_version", "12.8\n");
  add_file("/etc/issue", "Debian GNU/Linux 12 \\n \\l\n\n");
  add_file("/etc/os-release",
           "PRETTY_NAME=\"" + persona.os +
               "\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n"
               "VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n");
  add_file("/etc/resolv.conf", "nameserver 10.0.0.2\n");
  add_file("/etc/crontab", "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin\n");
  add_file("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n");
  add_file("/root/.bashrc", "# ~/.bashrc: executed by bash(1) for non-login shells.\n");
  add_file("/root/.profile", "# ~/.profile: executed by Bourne-compatible login shells.\n");
  add_file("/root/.bash_history", "", "-rw-------");
  add_file("/var/www/html/index.html", "<html><body><h1>It works!</h1></body></html>\n");
  add_file("/var/log/auth.log", "", "-rw-r-----");
  add_file("/var/log/syslog", "", "-rw-r-----");
  add_file("/proc/version",
           "Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian "
           "12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC "
           "Debian 6.1.119-1 (2024-11-22)\n");
  std::string cpuinfo;
  for (int cpu = 0; cpu < 2; ++cpu) {
    cpuinfo +=
        "processor\t: " + std::to_string(cpu) +
        "\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Intel(R) "
        "Xeon(R) Gold 6230 CPU @ 2.10GHz\ncpu MHz\t\t: 2095.078\ncache size\t: 28160 KB\n"
        "cpu cores\t: 2\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge "
        "mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx lm avx avx2\n\n";
  }
  add_file("/proc/cpuinfo", cpuinfo, "-r--r--r--");
  add_file("/proc/meminfo",
           "MemTotal:        4026532 kB\nMemFree:         2871204 kB\nMemAvailable:    3512384 "
           "kB\nBuffers:           61240 kB\nCached:           712004 kB\nSwapTotal:       "
           "1048572 kB\nSwapFree:        1048572 kB\n",
           "-r--r--r--");
  add_file("/proc/uptime", "3589131.52 7001944.17\n", "-r--r--r--");
  for (const char* bin : {"bash", "sh", "ls", "cat", "echo", "uname", "id", "ps", "grep", "rm",
                          "mkdir", "chmod", "cp", "mv", "dash", "sleep", "tar", "kill"}) {
    add_file(std::string("/bin/") + bin,
             "\x7f"
             "ELF",
             "-rwxr-xr-x");
  }
  for (const char* bin : {"wget", "curl",   "python3", "perl",    "free",   "uptime", "w",
                          "who",  "whoami", "nproc",   "crontab", "passwd", "sudo",   "id",
                          "head", "tail",   "wc",      "top",     "lscpu",  "df",     "hostname"}) {
    add_file(std::string("/usr/bin/") + bin,
             "\x7f"
             "ELF",
             "-rwxr-xr-x");
  }
}

void FakeTree::add_dir(const std::string& path, const std::string& owner) {
  FakeNode n;
  n.directory = true;
  n.mode = "drwxr-xr-x";
  n.owner = owner;
  nodes_[path] = n;
}

void FakeTree::add_file(const std::string& path, std::string content, const std::string& mode,
                        const std::string& owner) {
  FakeNode n;
  n.content = std::move(content);
  n.mode = mode;
  n.owner = owner;
  nodes_[path] = std::move(n);
}

std::string FakeFilesystem::resolve(const std::string& cwd, const std::string& path) {
  const std::string full = !path.empty() && path.front() == '/' ? path : cwd + "/" + path;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= full.size()) {
    const auto slash = full.find('/', start);
    const auto part =
        full.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      if (parts.size() < 64) parts.push_back(part.substr(0, 255));
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::optional<FakeNode> FakeFilesystem::stat(const std::string& path) const {
  if (const auto it = layer_.find(path); it != layer_.end()) return it->second;
  const auto& nodes = tree_->nodes();
  if (const auto it = nodes.find(path); it != nodes.end()) return it->second;
  return std::nullopt;
}

std::optional<std::vector<std::string>> FakeFilesystem::list(const std::string& path) const {
  const auto node = stat(path);
  if (!node || !node->directory) return std::nullopt;
  const std::string prefix = path == "/" ? "/" : path + "/";
  std::set<std::string> names;
  const auto child = [&](const std::string& p) -> std::optional<std::string> {
    if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    const auto rest = p.substr(prefix.size());
    if (rest.find('/') != std::string::npos) return std::nullopt;
    return rest;
  };
  for (const auto& [p, _] : tree_->nodes()) {
    if (auto name = child(p)) names.insert(*name);
  }
  for (const auto& [p, n] : layer_) {
    if (auto name = child(p)) {
      if (n) {
        names.insert(*name);
      } else {
        names.erase(*name);
      }
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::size_t FakeFilesystem::used_bytes() const {
  std::size_t n = 0;
  for (const auto& [p, node] : layer_) n += p.size() + (node ? node->content.size() : 0);
  return n;
}

bool FakeFilesystem::write(const std::string& path, const std::string& content, bool append) {
  const auto slash = path.rfind('/');
  const auto parent = stat(slash == 0 ? "/" : path.substr(0, slash));
  if (!parent || !parent->directory) return false;
  auto node = stat(path);
  if (node && node->directory) return false;
  if (!node) node = FakeNode{};
  const std::string next = append ? node->content + content : content;
  const auto before =
      layer_.contains(path) && layer_.at(path) ? layer_.at(path)->content.size() : 0;
  if (used_bytes() - before + next.size() > kQuotaBytes ||
      (!layer_.contains(path) && layer_.size() >= kMaxEntries)) {
    return false;
  }
  node->content = next;
  layer_[path] = std::move(node);
  return true;
}

bool FakeFilesystem::make_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  const auto parent = stat(slash == 0 ? "/" : path.substr(0, slash));
  if (!parent || !parent->directory || stat(path) || layer_.size() >= kMaxEntries) return false;
  FakeNode n;
  n.directory = true;
  n.mode = "drwxr-xr-x";
  layer_[path] = n;
  return true;
}

bool FakeFilesystem::remove(const std::string& path) {
  if (!stat(path) || path == "/" || layer_.size() >= kMaxEntries) return false;
  layer_[path] = std::nullopt;
  return true;
}

}  // namespace decnet::decky
