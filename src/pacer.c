/* pacer.c -- one token bucket shared by every method, so --rate bounds the whole sweep. */
#include "lanscan/pacer.h"

void ls_pacer_init(struct ls_pacer *p, double rate, double now_ms)
{
	ls_bucket_init(&p->bucket, rate, rate / 100.0, now_ms);
	p->taken = p->busy_taken = 0;
	p->busy_ms = p->last_busy_ms = 0;
}

#define BUSY_GAP_MS 50		/* a pause longer than this is not part of a busy stretch */

unsigned ls_pacer_take(struct ls_pacer *p, unsigned want, bool backlog, double now_ms)
{
	unsigned got = ls_bucket_take(&p->bucket, want, now_ms);

	p->taken += got;
	/* While a sender is held back, every sender's packets count toward the
	 * rate reached (the bucket is one): a method that never waits (TCP)
	 * takes its share of the same budget, and is no shortfall. */
	if (p->last_busy_ms > 0 && now_ms - p->last_busy_ms < BUSY_GAP_MS) {
		if (backlog)
			p->busy_ms += now_ms - p->last_busy_ms;
		p->busy_taken += got;
	}
	if (backlog)
		p->last_busy_ms = now_ms;
	return got;
}

void ls_pacer_giveback(struct ls_pacer *p, unsigned n)
{
	if (p->bucket.rate > 0)
		p->bucket.tokens += n;
	p->taken -= n < p->taken ? n : p->taken;
	p->busy_taken -= n < p->busy_taken ? n : p->busy_taken;
}

double ls_pacer_achieved(const struct ls_pacer *p)
{
	return p->busy_ms >= 100 ? (double)p->busy_taken * 1000.0 / p->busy_ms : 0;
}
