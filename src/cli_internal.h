/* cli_internal.h -- what the option parser's files share: hints for fping's letters. */
#ifndef LANSCAN_CLI_INTERNAL_H
#define LANSCAN_CLI_INTERNAL_H

/* For one of fping's letters lanscan does not take, what to use instead
 * (fping 5.1); NULL for any other. */
const char *ls__cli_fping_hint(int c);

#endif
