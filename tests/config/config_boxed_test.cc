// Boxed<T>: the heap-held optional the configuration keeps its notify commands in behaves as
// std::optional does where the code uses it (copies are deep, equality compares values), and
// costs a pointer while empty.
#include <catch2/catch.hpp>
#include <string>

#include "vrrp/config/boxed.h"
#include "vrrp/config/config.h"

namespace vrrp::config {
namespace {

TEST_CASE("Boxed is empty, set, copied deeply and compared by value") {
  Boxed<std::string> a;
  CHECK_FALSE(a);
  CHECK_FALSE(a.has_value());
  a = std::string("/usr/bin/notify master");
  REQUIRE(a);
  CHECK(*a == "/usr/bin/notify master");
  CHECK(a->size() == 22);
  Boxed<std::string> b = a;  // a copy, not a shared value
  *b += " extra";
  CHECK(*a == "/usr/bin/notify master");
  CHECK_FALSE(a == b);
  b = a;
  CHECK(a == b);
  b = std::nullopt;
  CHECK_FALSE(b);
  CHECK_FALSE(a == b);
  Boxed<std::string> c;
  CHECK(b == c);  // both empty
  Boxed<std::string> moved = std::move(a);
  CHECK(*moved == "/usr/bin/notify master");
  moved.reset();
  CHECK_FALSE(moved);
}

TEST_CASE("An instance's five empty notify commands take five pointers") {
  CHECK(sizeof(NotifyCommands) == 5 * sizeof(void*));
  NotifyCommands n;
  n.master = Command{.command = "/bin/true"};
  NotifyCommands copy = n;
  CHECK(copy.master->command == "/bin/true");
  CHECK_FALSE(copy.backup);
}

}  // namespace
}  // namespace vrrp::config
