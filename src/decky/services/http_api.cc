// The management APIs attackers scan for and abuse to run miners and escape to the host: the
// Docker Engine API (2375 plain, 2376 TLS), Elasticsearch (9200) and the Kubernetes API server
// (6443 TLS, 8080 plain). Each answers the discovery calls as a stock install does (version,
// info, listings) and accepts what the attacker wants to run, reporting it as an event of its
// own — the image, command, host mounts and privileges of a container (container_create,
// pod_create), the command of an exec (exec), the script of a search (script_query) — with the
// command in a `command` field, so the master's command lifters and ATT&CK rules read it. Nothing
// is pulled, created or run. Tokens in the Authorization header are captured by HttpServer.
#include <nlohmann/json.hpp>
#include <random>

#include "core/hash.h"
#include "core/json_text.h"
#include "decky/net/tls_server.h"
#include "decky/services/http_server.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxReported = 2048;

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string raw(bytes, '\0');
  for (auto& c : raw) c = static_cast<char>(rng());
  return core::to_hex(raw);
}

// A JSON value as one line of text: strings as they are, lists joined by spaces.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>().substr(0, kMaxReported);
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      if (!out.empty()) out += ' ';
      out += item.is_string() ? item.get<std::string>() : core::json_text(item);
      if (out.size() > kMaxReported) break;
    }
    return out.substr(0, kMaxReported);
  }
  return v.is_null() ? std::string() : core::json_text(v).substr(0, kMaxReported);
}

HttpServer::Answer json_answer(int status, const json& body) {
  return {status, "application/json", core::json_text(body) + "\n", {}};
}

std::unique_ptr<TlsServerContext> tls_for(const Persona& persona, const ServiceSettings& s) {
  return std::make_unique<TlsServerContext>("", "", setting(s, "state_dir"), persona.hostname);
}

class DockerApi final : public HttpServer {
 public:
  DockerApi(const Persona& persona, const ServiceSettings& s)
      : HttpServer("Docker/24.0.7 (linux)", tls_for(persona, s), TlsMode::kWhenOffered),
        host_(persona.hostname) {
    extra_headers_ = {
        {"Api-Version", "1.43"}, {"Docker-Experimental", "false"}, {"Ostype", "linux"}};
  }

 private:
  Answer answer(Session& s, const Request& req, bool) override {
    auto path = path_of(req);
    // Clients name the API version first: /v1.43/containers/create.
    if (path.starts_with("/v1.")) path = path.substr(std::min(path.find('/', 1), path.size()));
    const auto body = json::parse(req.body(), nullptr, false);
    const bool post = req.method() == boost::beast::http::verb::post;
    if (path == "/_ping") return {200, "text/plain; charset=utf-8", "OK", {}};
    if (path == "/version") {
      return json_answer(200, {{"Platform", {{"Name", "Docker Engine - Community"}}},
                               {"Version", "24.0.7"},
                               {"ApiVersion", "1.43"},
                               {"MinAPIVersion", "1.12"},
                               {"GitCommit", "311b9ff"},
                               {"GoVersion", "go1.20.10"},
                               {"Os", "linux"},
                               {"Arch", "amd64"},
                               {"KernelVersion", "6.1.0-28-amd64"},
                               {"BuildTime", "2023-10-26T09:08:17.000000000+00:00"}});
    }
    if (path == "/info") {
      return json_answer(200,
                         {{"ID", "JZ4E:3TLE:Q6TK:5RSL:2TQF:HMBN:4G3N:LX3F:2QOG:XOFY:KF5T:UZ6M"},
                          {"Containers", 3},
                          {"ContainersRunning", 2},
                          {"Images", 7},
                          {"Driver", "overlay2"},
                          {"Name", host_},
                          {"ServerVersion", "24.0.7"},
                          {"OperatingSystem", "Debian GNU/Linux 12 (bookworm)"},
                          {"OSType", "linux"},
                          {"Architecture", "x86_64"},
                          {"NCPU", 8},
                          {"MemTotal", 33'554'432'000LL},
                          {"DockerRootDir", "/var/lib/docker"}});
    }
    if (path == "/containers/json") {
      return json_answer(200, json::array({{{"Id", std::string(64, 'a')},
                                            {"Names", {"/web"}},
                                            {"Image", "nginx:1.25"},
                                            {"State", "running"},
                                            {"Status", "Up 3 weeks"}}}));
    }
    if (path == "/images/json") {
      return json_answer(200, json::array({{{"Id", "sha256:" + std::string(64, 'b')},
                                            {"RepoTags", {"nginx:1.25"}},
                                            {"Size", 187'000'000}}}));
    }
    if (post && path == "/containers/create" && body.is_object()) {
      const auto host = body.value("HostConfig", json::object());
      Fields f{
          {"image", text_of(body.value("Image", json()))},
          {"command", text_of(body.value("Cmd", json()))},
          {"entrypoint", text_of(body.value("Entrypoint", json()))},
          {"binds", text_of(host.is_object() ? host.value("Binds", json()) : json())},
          {"privileged", host.is_object() && host.value("Privileged", false) ? "true" : "false"}};
      s.emit("container_create", std::move(f));
      return json_answer(201, {{"Id", random_hex(32)}, {"Warnings", json::array()}});
    }
    if (post && path.starts_with("/containers/") && path.ends_with("/exec") && body.is_object()) {
      s.emit("exec", {{"container", path.substr(12, path.size() - 17)},
                      {"command", text_of(body.value("Cmd", json()))}});
      return json_answer(201, {{"Id", random_hex(32)}});
    }
    if (post && path == "/images/create") {
      const std::string target(req.target());
      const auto at = target.find("fromImage=");
      s.emit("image_pull", {{"image", at == std::string::npos ? "" : target.substr(at + 10, 256)}});
      return json_answer(200, {{"status", "Downloading"}});
    }
    if (post && path.starts_with("/containers/") &&
        (path.ends_with("/start") || path.ends_with("/wait") || path.ends_with("/kill"))) {
      return {204, "text/plain", "", {}};
    }
    if (post && path.starts_with("/exec/") && path.ends_with("/start")) {
      return {200, "application/vnd.docker.raw-stream", "", {}};
    }
    return json_answer(404, {{"message", "page not found"}});
  }

  std::string host_;
};

class Elasticsearch final : public HttpServer {
 public:
  Elasticsearch(const Persona& persona, const ServiceSettings&)
      : HttpServer("", nullptr, TlsMode::kNever), host_(persona.hostname) {
    extra_headers_ = {{"X-elastic-product", "Elasticsearch"}};
  }

 private:
  Answer answer(Session& s, const Request& req, bool) override {
    const auto path = path_of(req);
    const std::string_view body = req.body();
    // Search and update bodies with a script are how the old RCEs and data-theft kits reach in.
    if (body.find("script") != std::string_view::npos) {
      s.emit("script_query",
             {{"path", path}, {"script", std::string(body.substr(0, kMaxReported))}});
    }
    if (path == "/") {
      return json_answer(200, {{"name", host_},
                               {"cluster_name", "elasticsearch"},
                               {"cluster_uuid", "x5N3GcbGQ6yQ4bX2eW_4Tg"},
                               {"version",
                                {{"number", "7.17.16"},
                                 {"build_flavor", "default"},
                                 {"build_type", "deb"},
                                 {"build_hash", "2b23fa076334f8d4651dfb9be8f7d0e4a0cfd85d"},
                                 {"lucene_version", "8.11.1"},
                                 {"minimum_wire_compatibility_version", "6.8.0"}}},
                               {"tagline", "You Know, for Search"}});
    }
    if (path == "/_cat/indices") {
      return {200,
              "text/plain; charset=UTF-8",
              "green open customers  kXl1-qRUQbCmZ1Rg8yCwYQ 1 0 48211 0 21.4mb 21.4mb\n"
              "green open orders     9VvXkWb1Tc2x4yVYbq3QJw 1 0 312904 0 88.1mb 88.1mb\n",
              {}};
    }
    if (path == "/_cluster/health") {
      return json_answer(200, {{"cluster_name", "elasticsearch"},
                               {"status", "green"},
                               {"number_of_nodes", 1},
                               {"active_shards", 2}});
    }
    if (path.ends_with("/_search")) {
      return json_answer(
          200,
          {{"took", 3},
           {"timed_out", false},
           {"hits", {{"total", {{"value", 0}, {"relation", "eq"}}}, {"hits", json::array()}}}});
    }
    return json_answer(404, {{"error",
                              {{"type", "index_not_found_exception"},
                               {"reason", "no such index [" + path.substr(1, 128) + "]"}}},
                             {"status", 404}});
  }

  std::string host_;
};

class KubernetesApi final : public HttpServer {
 public:
  KubernetesApi(const Persona& persona, const ServiceSettings& s)
      : HttpServer("", tls_for(persona, s), TlsMode::kWhenOffered), host_(persona.hostname) {}

 private:
  Answer answer(Session& s, const Request& req, bool) override {
    const auto path = path_of(req);
    const bool post = req.method() == boost::beast::http::verb::post;
    if (path == "/version") {
      return json_answer(200, {{"major", "1"},
                               {"minor", "28"},
                               {"gitVersion", "v1.28.4"},
                               {"gitCommit", "bae2c62678db2b5053817bc97181fcc2e8388103"},
                               {"gitTreeState", "clean"},
                               {"goVersion", "go1.20.11"},
                               {"platform", "linux/amd64"}});
    }
    if (path == "/api") {
      return json_answer(200, {{"kind", "APIVersions"}, {"versions", {"v1"}}});
    }
    if (path.find("/exec") != std::string::npos) {
      // kubectl exec sends each word of the command as its own command= parameter.
      const std::string target(req.target());
      std::string command;
      for (auto at = target.find("command="); at != std::string::npos;
           at = target.find("command=", at + 8)) {
        const auto end = target.find('&', at);
        if (!command.empty()) command += ' ';
        command += target.substr(at + 8, end == std::string::npos ? end : end - at - 8);
        if (command.size() > kMaxReported) break;
      }
      s.emit("exec", {{"path", path}, {"command", command}});
      return json_answer(403, status_failure("Forbidden", 403));
    }
    if (post && path.ends_with("/pods")) {
      const auto body = json::parse(req.body(), nullptr, false);
      std::string images, commands;
      if (body.is_object()) {
        const auto spec = body.value("spec", json::object());
        for (const auto& c :
             spec.is_object() ? spec.value("containers", json::array()) : json::array()) {
          if (!c.is_object()) continue;
          images += (images.empty() ? "" : ",") + text_of(c.value("image", json()));
          const auto cmd =
              text_of(c.value("command", json())) + " " + text_of(c.value("args", json()));
          commands += (commands.empty() ? "" : "; ") + cmd;
        }
      }
      s.emit("pod_create", {{"path", path}, {"images", images}, {"command", commands}});
      return json_answer(
          201, {{"kind", "Pod"}, {"apiVersion", "v1"}, {"metadata", {{"uid", random_hex(16)}}}});
    }
    if (path.starts_with("/api/v1/") &&
        (path.ends_with("/pods") || path.ends_with("/secrets") || path.ends_with("/namespaces"))) {
      const auto kind = path.ends_with("/pods")      ? "PodList"
                        : path.ends_with("/secrets") ? "SecretList"
                                                     : "NamespaceList";
      return json_answer(200, {{"kind", kind},
                               {"apiVersion", "v1"},
                               {"metadata", {{"resourceVersion", "184467"}}},
                               {"items", json::array()}});
    }
    return json_answer(404,
                       status_failure("the server could not find the requested resource", 404));
  }

  static json status_failure(const std::string& message, int code) {
    return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"code", code}};
  }

  std::string host_;
};

}  // namespace

std::unique_ptr<Service> make_docker_api_service(const Persona& persona,
                                                 const ServiceSettings& settings) {
  return std::make_unique<DockerApi>(persona, settings);
}

std::unique_ptr<Service> make_elasticsearch_service(const Persona& persona,
                                                    const ServiceSettings& settings) {
  return std::make_unique<Elasticsearch>(persona, settings);
}

std::unique_ptr<Service> make_k8s_service(const Persona& persona, const ServiceSettings& settings) {
  return std::make_unique<KubernetesApi>(persona, settings);
}

}  // namespace decnet::decky
