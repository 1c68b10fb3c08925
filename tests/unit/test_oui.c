/* test_oui.c -- vendor lookup: registry lines, longest prefix, locally administered, lazy loading, absent files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lanscan/oui.h"

#ifndef OUI_DIR
#define OUI_DIR "tests/unit/oui"
#endif

static void test_parse_line(void **state)
{
	char name[64];
	uint64_t prefix;
	int bits;
	const char *l;

	(void)state;
	l = "MA-L,3C22FB,\"Apple, Inc.\",1 Infinite Loop\r\n";
	assert_int_equal(ls_oui_parse_line(l, strlen(l), &prefix, &bits, name, sizeof(name)), 0);
	assert_int_equal(bits, 24);
	assert_int_equal(prefix, 0x3C22FB);
	assert_string_equal(name, "Apple, Inc.");
	l = "MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1\"";
	assert_int_equal(ls_oui_parse_line(l, strlen(l), &prefix, &bits, name, sizeof(name)), 0);
	assert_int_equal(bits, 36);
	assert_int_equal(prefix, 0x70B3D5F2FULL);
	l = "MA-M,B827EB1,Longer \x1b[31mPrefix,x";
	assert_int_equal(ls_oui_parse_line(l, strlen(l), &prefix, &bits, name, sizeof(name)), 0);
	assert_string_equal(name, "Longer ?[31mPrefix");	/* no control bytes printed */
	l = "MA-L,001B21,A very long organisation name indeed,x";
	assert_int_equal(ls_oui_parse_line(l, strlen(l), &prefix, &bits, name, 8), 0);
	assert_string_equal(name, "A very");	/* cut, trailing space trimmed */
	static const char *bad[] = { "Registry,Assignment,Organization Name,Organization Address",
		"MA-L,zzzzzz,Bad,x", "MA-L,00112,Short,x", "MA-X,001122,Other,x", "MA-L,001122,\"open,x",
		"MA-L,001122,,x", "MA-L,001122,a\"b,x", "", "," };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ls_oui_parse_line(bad[i], strlen(bad[i]), &prefix, &bits, name, sizeof(name)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_lookup(void **state)
{
	struct ls_oui *db = ls_oui_new(OUI_DIR);
	static const uint8_t intel[6] = { 0x00, 0x1b, 0x21, 0xaa, 0x0b, 0xff };
	static const uint8_t pi[6] = { 0xb8, 0x27, 0xeb, 0x00, 0x00, 0x01 };
	static const uint8_t pi_m[6] = { 0xb8, 0x27, 0xeb, 0x10, 0x00, 0x01 };	/* MA-M B827EB1 */
	static const uint8_t tele[6] = { 0x70, 0xb3, 0xd5, 0xf2, 0xf0, 0x01 };	/* MA-S */
	static const uint8_t ieee[6] = { 0x70, 0xb3, 0xd5, 0x00, 0x00, 0x01 };
	static const uint8_t quoted[6] = { 0xf8, 0xbc, 0x12, 1, 2, 3 };
	static const uint8_t local[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t unknown[6] = { 0x00, 0x00, 0x5e, 0, 0, 1 };

	(void)state;
	assert_non_null(db);
	assert_int_equal(ls_oui_count(db), 0);		/* nothing read yet */
	assert_string_equal(ls_oui_vendor(db, local), LS_OUI_LOCAL);
	assert_int_equal(ls_oui_count(db), 0);		/* the U/L bit needs no table */
	assert_string_equal(ls_oui_vendor(db, intel), "Intel Corporate");
	assert_int_equal(ls_oui_count(db), 7);		/* 5 MA-L, 1 MA-M, 1 MA-S */
	assert_string_equal(ls_oui_vendor(db, pi), "Raspberry Pi Foundation");
	assert_string_equal(ls_oui_vendor(db, pi_m), "Longer Prefix Ltd");	/* longest wins */
	assert_string_equal(ls_oui_vendor(db, tele), "TELEPLATFORMS");
	assert_string_equal(ls_oui_vendor(db, ieee), "IEEE Registration Authority");
	assert_string_equal(ls_oui_vendor(db, quoted), "Dell \"Quoted\" Inc.");
	assert_null(ls_oui_vendor(db, unknown));
	ls_oui_free(db);
}

static void test_absent_files_mean_no_vendor(void **state)
{
	struct ls_oui *db = ls_oui_new("/nonexistent/ieee-data");
	static const uint8_t intel[6] = { 0x00, 0x1b, 0x21, 0xaa, 0x0b, 0xff };

	(void)state;
	assert_null(ls_oui_vendor(db, intel));
	assert_int_equal(ls_oui_count(db), 0);
	ls_oui_free(db);
	assert_null(ls_oui_vendor(NULL, intel));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_absent_files_mean_no_vendor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
