#!/usr/bin/env bash
# Installs everything DECNET needs to build, test and benchmark on Debian 12.
# Idempotent: when every package is already present it returns without touching apt,
# so `make run` and `make test` stay quick on a prepared machine.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  clang-format clang-tidy python3
  # libraries (DESIGN.md, "Chosen dependencies")
  libboost-dev libssl-dev libsodium-dev libsqlite3-dev sqlite3 libpq-dev libnats-dev
  libcurl4-openssl-dev libc-ares-dev libmaxminddb-dev libpcre2-dev libyaml-cpp-dev zlib1g-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libhnswlib-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssh-dev
  # real peers used by tests and benchmarks
  nats-server bsdutils rsyslog rsyslog-openssl rsyslog-relp curl openssl wrk libfaiss-dev dnsmasq-base
  libmaxmind-db-writer-perl
  # real clients the decky's tests attack it with, and the servers its benchmark compares with
  redis-tools postgresql-client mosquitto-clients nginx-light ldap-utils mariadb-client freetds-bin
  openssh-client openssh-server sshpass snmp telnet bind9-dnsutils smbclient python3-pymongo sipsak
  freerdp2-x11 xvfb xauth mbpoll vncsnapshot
  # the fleet: network namespaces, veths and bridges
  iproute2
  # syslog-ng's libraries: the ingest benchmark runs syslog-ng beside DECNET (see below)
  libivykis0 libnet1 libwrap0 libjson-c5 libglib2.0-0 libpcre3 libcap2
  # the dashboard's end-to-end tests drive Debian's Chromium; fonts so pages render text
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  # Packages such as rsyslog ship a daemon; tests start their own instances, so the
  # system-wide service must not be started by the package's postinst.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod +x "$policy"
    created_policy=1
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if ((created_policy)); then "${sudo_cmd[@]}" rm -f "$policy"; fi
fi

# syslog-ng, the tool the ingest benchmark compares against, conflicts with rsyslog as a Debian
# package (both are the system log daemon) and the tests need rsyslog; so its package is
# downloaded with apt and unpacked into tools/syslog-ng of the checkout, never installed.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
syslog_ng=$root/tools/syslog-ng
if [[ ! -x $syslog_ng/usr/sbin/syslog-ng ]]; then
  echo "install-deps: unpacking syslog-ng-core into $syslog_ng"
  download=$(mktemp -d)
  chmod 777 "$download"
  (cd "$download" && apt-get download -qq syslog-ng-core)
  rm -rf "$syslog_ng"
  mkdir -p "$syslog_ng"
  dpkg-deb -x "$download"/syslog-ng-core_*.deb "$syslog_ng"
  rm -rf "$download"
fi

# The dashboard (web/) builds with Node.js 20 or later and the packages pinned in
# web/package-lock.json. `npm ci` runs only when the lock file changed since the last install.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-deps: Node.js 20+ and npm are needed to build the dashboard (web/)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "install-deps: Node.js $(node --version) is too old for the dashboard; 20 or later is needed" >&2
  exit 1
fi
lock_sum=$(sha256sum "$root/web/package-lock.json" | cut -d' ' -f1)
stamp="$root/web/node_modules/.installed-lock-sha256"
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  echo "install-deps: installing the dashboard's npm packages (npm ci)"
  (cd "$root/web" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi
