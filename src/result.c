/* result.c -- names of host states. */
#include "lanscan/result.h"

const char *ls_state_name(enum ls_state state)
{
	switch (state) {
	case LS_UP: return "up";
	case LS_DOWN: return "down";
	case LS_UNKNOWN: break;
	}
	return "unknown";
}
