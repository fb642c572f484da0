/* A small unit-test harness: tests register themselves, the runner prints one TAP line each
 * ("ok N - name" / "not ok N - name") and a closing "N passed, N failed" line. */
#ifndef EMBARK_TESTS_HARNESS_H
#define EMBARK_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct ut_case {
	const char *name;
	void (*fn)(void);
	struct ut_case *next;
};

void ut_register(struct ut_case *c);
void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A fresh empty directory for the running test; removed after it passes. */
const char *ut_tmpdir(void);
/* Writes LEN bytes to DIR/NAME (created 0644); returns the path in a static buffer. */
const char *ut_write_file(const char *name, const void *buf, size_t len);

#define UT_TEST(name)                                                                    \
	static void name(void);                                                          \
	static struct ut_case ut_case_##name = { #name, name, NULL };                     \
	__attribute__((constructor)) static void ut_reg_##name(void)                     \
	{                                                                                \
		ut_register(&ut_case_##name);                                             \
	}                                                                                \
	static void name(void)

#define UT_CHECK(cond)                                                                   \
	do {                                                                             \
		if (!(cond))                                                             \
			ut_fail(__FILE__, __LINE__, "check failed: %s", #cond);           \
	} while (0)
#define UT_EQ_INT(a, b)                                                                  \
	do {                                                                             \
		long long ut_a_ = (long long)(a), ut_b_ = (long long)(b);                \
		if (ut_a_ != ut_b_)                                                      \
			ut_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, \
				ut_a_, #b, ut_b_);                                        \
	} while (0)
#define UT_EQ_STR(a, b)                                                                  \
	do {                                                                             \
		const char *ut_a_ = (a), *ut_b_ = (b);                                   \
		if (!ut_a_ || !ut_b_ || strcmp(ut_a_, ut_b_) != 0)                       \
			ut_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a,   \
				ut_a_ ? ut_a_ : "(null)", ut_b_ ? ut_b_ : "(null)");       \
	} while (0)

#endif
