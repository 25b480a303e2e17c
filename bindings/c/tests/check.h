/* A tiny assert harness for the C ABI's tests, in C99: a failed CHECK prints file:line, the
 * expression and vrrp_last_error() (what the library said of its last failure), and counts; the
 * test's main returns check_result(), non-zero after any failure. Checks go on after a failure, so
 * one run shows every broken expectation. */
#ifndef VRRP_C_TESTS_CHECK_H_
#define VRRP_C_TESTS_CHECK_H_

#include <stdio.h>
#include <string.h>

#include "vrrp.h"

static int check_failures = 0;
static int check_count = 0;

#define CHECK(expr)                                                                            \
  do {                                                                                         \
    ++check_count;                                                                             \
    if (!(expr)) {                                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, #expr, \
              vrrp_last_error());                                                              \
      ++check_failures;                                                                        \
    }                                                                                          \
  } while (0)

/* Integers, printing both sides on failure. */
#define CHECK_EQ(a, b)                                                                             \
  do {                                                                                             \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);                                \
    ++check_count;                                                                                 \
    if (check_a_ != check_b_) {                                                                    \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, \
              #b, check_a_, check_b_);                                                             \
      ++check_failures;                                                                            \
    }                                                                                              \
  } while (0)

#define CHECK_STREQ(a, b)                                                                        \
  do {                                                                                           \
    const char *check_a_ = (a), *check_b_ = (b);                                                 \
    ++check_count;                                                                               \
    if (check_a_ == NULL || check_b_ == NULL || strcmp(check_a_, check_b_) != 0) {               \
      fprintf(stderr, "%s:%d: CHECK_STREQ failed: %s == %s (\"%s\" vs \"%s\")\n", __FILE__,      \
              __LINE__, #a, #b, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
      ++check_failures;                                                                          \
    }                                                                                            \
  } while (0)

/* `haystack` contains `needle`. */
#define CHECK_CONTAINS(haystack, needle)                                                   \
  do {                                                                                     \
    const char *check_h_ = (haystack), *check_n_ = (needle);                               \
    ++check_count;                                                                         \
    if (check_h_ == NULL || strstr(check_h_, check_n_) == NULL) {                          \
      fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s contains \"%s\" (it is \"%s\")\n", \
              __FILE__, __LINE__, #haystack, check_n_, check_h_ ? check_h_ : "(null)");    \
      ++check_failures;                                                                    \
    }                                                                                      \
  } while (0)

static int check_result(const char *name) {
  if (check_failures != 0) {
    fprintf(stderr, "%s: %d of %d checks failed\n", name, check_failures, check_count);
    return 1;
  }
  printf("%s: all %d checks passed\n", name, check_count);
  return 0;
}

#endif /* VRRP_C_TESTS_CHECK_H_ */
