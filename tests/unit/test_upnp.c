/* test_upnp.c -- unit tests of the UPnP description reader: minidlna's and miniupnpd's, XML bombs, entities, depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanscan/upnp.h"
#include "capture.h"

#define PARSE(lit, d) ls_upnp_parse((const uint8_t *)(lit), sizeof(lit) - 1, (d))

static void test_captures(void **state)
{
	struct ls_upnp_desc d;
	uint8_t *x;
	size_t len;

	(void)state;
	x = capture("upnp/minidlna.xml", &len);
	assert_int_equal(ls_upnp_parse(x, len, &d), 0);
	assert_string_equal(d.device_type, "urn:schemas-upnp-org:device:MediaServer:1");
	assert_string_equal(d.friendly_name, "Lab NAS");
	assert_string_equal(d.manufacturer, "Justin Maggard");
	assert_string_equal(d.model_name, "LabNAS DLNA");
	assert_string_equal(d.model_number, "1.0");
	free(x);
	/* miniupnpd: the IGD's embedded WANDevice and WANConnectionDevice are not read */
	x = capture("upnp/miniupnpd.xml", &len);
	assert_int_equal(ls_upnp_parse(x, len, &d), 0);
	assert_string_equal(d.device_type, "urn:schemas-upnp-org:device:InternetGatewayDevice:2");
	assert_string_equal(d.friendly_name, "Lab Router");
	assert_string_equal(d.manufacturer, "LabNet");
	assert_string_equal(d.model_name, "LabRouter AX1800");
	assert_string_equal(d.model_number, "AX1800");
	free(x);
}

/* Billion laughs, external entities, parameter entities: refused at the DOCTYPE, at once. */
static void test_entities(void **state)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
		"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
		"<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>"
		"<root><device><modelName>&i;</modelName></device></root>";
	static const char external[] = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
				       "<root><device><modelName>&x;</modelName></device></root>";
	static const char param[] = "<!DOCTYPE root [<!ENTITY % p SYSTEM \"http://10.0.0.1/x.dtd\"> %p;]><root/>";
	static const char dtd[] = "<!DOCTYPE root SYSTEM \"http://10.0.0.1/x.dtd\"><root/>";
	static const char undeclared[] = "<root><device><modelName>&x;</modelName></device></root>";
	struct ls_upnp_desc d;

	(void)state;
	assert_int_equal(PARSE(laughs, &d), -EPERM);
	assert_string_equal(d.model_name, "");
	assert_int_equal(PARSE(external, &d), -EPERM);
	assert_int_equal(PARSE(param, &d), -EPERM);
	assert_int_equal(PARSE(dtd, &d), -EPERM);
	assert_int_equal(PARSE(undeclared, &d), -EBADMSG);
}

static void test_bounds(void **state)
{
	struct ls_upnp_desc d;
	char *x;
	size_t n = 0, i;

	(void)state;
	/* depth */
	x = malloc(40 * 8 + 100);
	n += (size_t)sprintf(x, "<root>");
	for (i = 0; i < 40; i++)
		n += (size_t)sprintf(x + n, "<a>");
	assert_int_equal(ls_upnp_parse((uint8_t *)x, n, &d), -EFBIG);
	free(x);
	/* size */
	x = calloc(1, LS_UPNP_DOC_MAX + 1);
	memset(x, ' ', LS_UPNP_DOC_MAX + 1);
	assert_int_equal(ls_upnp_parse((uint8_t *)x, LS_UPNP_DOC_MAX + 1, &d), -EFBIG);
	free(x);
	/* a long model name: cut, as text */
	x = malloc(4000);
	n = (size_t)sprintf(x, "<root><device><modelName>");
	memset(x + n, 'M', 2000);
	n += 2000;
	n += (size_t)sprintf(x + n, "</modelName></device></root>");
	assert_int_equal(ls_upnp_parse((uint8_t *)x, n, &d), 0);
	assert_int_equal(strlen(d.model_name), LS_UPNP_FIELD_MAX - 1);
	free(x);
}

static void test_text(void **state)
{
	static const char ctl[] = "<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
				  "<friendlyName>  Evil\tTV\n&#x202e;x  </friendlyName>"
				  "<modelName>A &amp; B</modelName><modelName>second</modelName>"
				  "<deviceList><device><modelName>embedded</modelName></device></deviceList>"
				  "</device><device><deviceType>second root device</deviceType></device></root>";
	static const char prefixed[] = "<u:root xmlns:u=\"urn:schemas-upnp-org:device-1-0\"><u:device>"
				       "<u:deviceType>urn:schemas-upnp-org:device:Printer:1</u:deviceType></u:device></u:root>";
	struct ls_upnp_desc d;

	(void)state;
	assert_int_equal(PARSE(ctl, &d), 0);
	assert_string_equal(d.friendly_name, "Evil\\009TV\\010\\226\\128\\174x");
	assert_string_equal(d.model_name, "A & B");
	assert_string_equal(d.device_type, "");
	/* XML 1.0 has no other control characters, not even as references */
	assert_int_equal(PARSE("<root><device><modelName>&#x1b;[2J</modelName></device></root>", &d), -EBADMSG);
	assert_int_equal(PARSE(prefixed, &d), 0);
	assert_string_equal(d.device_type, "urn:schemas-upnp-org:device:Printer:1");
	assert_int_equal(PARSE("<html><device><modelName>x</modelName></device></html>", &d), -EBADMSG);
	assert_string_equal(d.model_name, "");
	assert_int_equal(PARSE("<root><device><modelName>x</device></root>", &d), -EBADMSG);
	assert_int_equal(PARSE("", &d), -EBADMSG);
	assert_int_equal(PARSE("<root><device><modelName>\xff</modelName></device></root>", &d), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
