// The fleet as the reference's Docker Compose model, for fleets that run on Docker rather than
// in this host's namespaces (`decnet deploy --mode compose`): per decky a base container holding
// the decky's address on the external `decnet_lan` network (made beforehand, macvlan or ipvlan),
// its host name and its OS's TTL, and per service a container sharing the base's network
// namespace that runs `decnet decky run` for that one service, labelled as the reference labels
// them. Nothing is started; the file is the product.
#pragma once

#include <string>

#include "decky/fleet/deploy_plan.h"

namespace decnet::fleet {

struct ComposeOptions {
  std::string decky_image = "decnet:latest";        // an image with `decnet` on its PATH
  std::string base_image = "debian:bookworm-slim";  // the base containers'
  std::string master_host;                          // the master's RELP receiver
  int master_port = 2514;
};

std::string compose_model(const decky::DeployPlan& plan, const ComposeOptions& options);

}  // namespace decnet::fleet
