#include "vrrp/advertisement.h"

namespace vrrp {

std::string_view AuthTypeName(AuthType type) {
  switch (type) {
    case AuthType::kNone: return "none";
    case AuthType::kPass: return "PASS";
    case AuthType::kAh: return "AH";
  }
  return "unknown";
}

}  // namespace vrrp
