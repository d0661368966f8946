// What a decky claims to be from the outside: the host its services name in banners, prompts
// and files.
#pragma once

#include <string>

namespace decnet::decky {

struct Persona {
  std::string hostname = "srv01";      // host name in banners and prompts
  std::string domain = "localdomain";  // mail and directory services' domain
  std::string os = "Debian GNU/Linux 12 (bookworm)";
};

}  // namespace decnet::decky
