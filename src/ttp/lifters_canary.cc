// Canary lifters: what a tripped canary's browser fingerprint says about the client — driven by
// automation (webdriver flag, a known tool's canvas/audio hash), behind a proxy (WebRTC shows
// another address, time zone and language disagree with where it comes from), or lying about its
// platform. Evidence is the metric and the signature that matched, never the raw fingerprint.
#include <array>

#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

json evidence(std::string_view metric, std::string_view signature) {
  return {{"metric", metric}, {"matched_signature", signature}};
}

std::optional<json> webdriver(const NoParams&, const json& payload) {
  if (!is_true(payload, "navigator_webdriver")) return std::nullopt;
  return evidence("navigator_webdriver", "navigator.webdriver_true");
}

struct Catalogues {
  std::vector<std::string> tools;
};

std::optional<json> automation_hash(const Catalogues& p, const json& payload) {
  auto tool = text_at(payload, "canvas_audio_hash_match");
  if (!tool) tool = text_at(payload, "matched_tool");
  if (!tool) return std::nullopt;
  if (!p.tools.empty() && std::find(p.tools.begin(), p.tools.end(), *tool) == p.tools.end()) {
    return std::nullopt;
  }
  return evidence("canvas_audio_hash", *tool);
}

std::optional<json> webrtc_leak(const NoParams&, const json& payload) {
  if (!is_true(payload, "webrtc_geo_mismatch")) return std::nullopt;
  return evidence("webrtc_geo_mismatch", "webrtc_private_vs_source_ip");
}

struct Zones {
  double min_zones;
};

std::optional<json> tz_lang_mismatch(const Zones& p, const json& payload) {
  const auto zones = number_at(payload, "tz_mismatch_zones");
  if (zones && *zones >= p.min_zones) {
    return evidence("timezone_geo_mismatch",
                    "tz_zones>=" + std::to_string(static_cast<std::int64_t>(p.min_zones)));
  }
  if (is_true(payload, "lang_country_mismatch")) {
    return evidence("language_country_mismatch", "lang_vs_source_country");
  }
  return std::nullopt;
}

std::optional<json> platform_inconsistency(const NoParams&, const json& payload) {
  if (is_true(payload, "platform_ua_inconsistent")) {
    return evidence("platform_ua_mismatch", "navigator.platform_vs_userAgent");
  }
  if (is_true(payload, "ua_webgl_mismatch")) {
    return evidence("ua_webgl_mismatch", "userAgent_vs_webgl_renderer");
  }
  return std::nullopt;
}

const std::array kCanaryLifters = {
    LifterEntry{"lifter:canary_webdriver",
                [](const json&) { return make_lifter(NoParams{}, webdriver); }},
    LifterEntry{"lifter:canary_automation_hash",
                [](const json& m) {
                  return make_lifter(Catalogues{param_texts(m, "catalogues", {})}, automation_hash);
                }},
    LifterEntry{"lifter:canary_webrtc_leak",
                [](const json&) { return make_lifter(NoParams{}, webrtc_leak); }},
    LifterEntry{"lifter:canary_tz_lang_mismatch",
                [](const json& m) {
                  return make_lifter(Zones{param_number(m, "min_tz_zones", 3)}, tz_lang_mismatch);
                }},
    LifterEntry{"lifter:canary_platform_inconsistency",
                [](const json&) { return make_lifter(NoParams{}, platform_inconsistency); }},
};

}  // namespace

std::span<const LifterEntry> canary_lifters() {
  return kCanaryLifters;
}

}  // namespace decnet::ttp::lifters
