// /api/v1/attackers/{uuid}/similar: the attackers nearest to one in a behavioural vector kind
// (keystroke rhythm of its recorded sessions, timing profile, command n-grams), from the
// vector store the profiler writes, with their distances. The attacker itself is left out.
#include "api/http/api_error.h"
#include "api/routes/json_views.h"
#include "api/routes/route_params.h"
#include "api/routes/routes.h"
#include "store/attacker_repository.h"
#include "vector/vector_store.h"

namespace decnet::api {
namespace {

const std::vector<std::string> kKinds = {"keystroke", "timing", "cmd_ngram",
                                         "ja3",       "hassh",  "jarm"};
constexpr std::int64_t kMaxNeighbours = 50;

}  // namespace

void add_similarity_routes(Router& router, ApiContext& ctx) {
  if (!ctx.vectors) return;
  router.add(
      {.method = "GET",
       .path = "/api/v1/attackers/{uuid}/similar",
       .access = Access::kViewer,
       .summary = "The attackers nearest to this one in a behavioural or fingerprint vector kind",
       .tag = "attackers",
       .query = {{.name = "kind",
                  .type = ParamType::kEnum,
                  .choices = kKinds,
                  .description = "Vector kind",
                  .default_value = "timing"},
                 {.name = "k",
                  .type = ParamType::kInt,
                  .min = 1,
                  .max = kMaxNeighbours,
                  .description = "How many neighbours",
                  .default_value = "10"}},
       .handler = [&ctx](const Request& req, const Principal*) {
         const auto& uuid = req.param("uuid");
         if (!ctx.repo.attackers().get(uuid)) throw not_found("Attacker not found");
         const auto kind = optional_text(req, {"kind"}).value_or("timing");
         const auto k = req.query_int("k", 10);
         const auto own = ctx.vectors->get(kind, uuid);
         if (!own) throw not_found("No " + kind + " vector for this attacker yet");
         auto list = nlohmann::json::array();
         for (const auto& n : ctx.vectors->knn(kind, own->vector, static_cast<std::size_t>(k) + 1,
                                               own->extractor_version)) {
           if (n.id == uuid || list.size() >= static_cast<std::size_t>(k)) continue;
           const auto other = ctx.repo.attackers().get(n.id);
           if (!other) continue;
           list.push_back(
               {{"attacker_uuid", other->uuid},
                {"ip", other->ip},
                {"distance", n.distance},
                {"metric", vector::metric_name(n.metric)},
                {"behavior_class", other->behavior_class ? nlohmann::json(*other->behavior_class)
                                                         : nlohmann::json(nullptr)}});
         }
         return json(200, {{"kind", kind}, {"attacker_uuid", uuid}, {"data", std::move(list)}});
       }});
}

}  // namespace decnet::api
