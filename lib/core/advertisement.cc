#include "vrrp/advertisement.h"

#include "vrrp/enum_names.h"

namespace vrrp {
namespace {

constexpr EnumNames<AuthType, 3> kAuthTypeNames{{"none", "PASS", "AH"}};
static_assert(kAuthTypeNames.Covers(AuthType::kAh));

}  // namespace

std::string_view AuthTypeName(AuthType type) { return kAuthTypeNames(type); }

}  // namespace vrrp
