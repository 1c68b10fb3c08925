/* pacer.c -- one token bucket shared by every method, so --rate bounds the whole sweep. */
#include "lanscan/pacer.h"

void ls_pacer_init(struct ls_pacer *p, double rate, double now_ms)
{
	ls_bucket_init(&p->bucket, rate, rate / 100.0, now_ms);
	p->taken = 0;
	p->first_ms = p->last_ms = 0;
}

unsigned ls_pacer_take(struct ls_pacer *p, unsigned want, double now_ms)
{
	unsigned got = ls_bucket_take(&p->bucket, want, now_ms);

	if (got > 0) {
		if (p->taken == 0)
			p->first_ms = now_ms;
		p->last_ms = now_ms;
		p->taken += got;
	}
	return got;
}

void ls_pacer_giveback(struct ls_pacer *p, unsigned n)
{
	if (p->bucket.rate > 0)
		p->bucket.tokens += n;
	p->taken -= n < p->taken ? n : p->taken;
}

double ls_pacer_achieved(const struct ls_pacer *p)
{
	double span = p->last_ms - p->first_ms;

	return span > 0 ? (double)p->taken * 1000.0 / span : 0;
}
