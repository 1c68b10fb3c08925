/* pipeline_internal.h -- what pipeline.c shares with its parts: the job, and the pipeline's ownership calls. */
#ifndef LANSCAN_PIPELINE_INTERNAL_H
#define LANSCAN_PIPELINE_INTERNAL_H

#include <stdbool.h>

#include "lanscan/facts.h"
#include "lanscan/pipeline.h"
#include "lanscan/race.h"

/* The ownership rule, as libuv's for handles: a job is never freed while a
 * frame of the pipeline is on the stack.  Every way in (start, stop, a
 * race's callbacks, a name lookup's, getaddrinfo's, the release timer)
 * counts itself in p->depth; a job that is over is buried (off the live
 * list, on p->dead), and the outermost frame frees the dead on its way out,
 * then fills the window and, last, reports the end.  So an output error, a
 * stop or a cancel at any point, even from inside a job's own callback, is
 * safe. */
enum job_phase { J_QUEUED, J_HELD, J_RESOLVING, J_PROBING, J_NAMES, J_DEAD };

/* The kernel keeps an INCOMPLETE neighbour entry for up to 3 s (3
 * solicitations 1 s apart) for a silent on-link address; it holds at most
 * gc_thresh3 (1024) entries for every namespace together.  Targets probed
 * through the table are held to the room it has (neighroom.h: the limit,
 * less a quarter for others, less what it holds), each counted until its
 * entry can have failed; every release tick looks at the table again, so
 * places free as soon as the kernel's entries do, and shrink when others
 * fill it.  With an explicit onlink_max, that many, each for
 * LS_ONLINK_HOLD_MS. */
#define LS_ONLINK_HOLD_MS 3500
#define LS_ONLINK_MARGIN_MS 300	/* an entry's life past its last solicitation */
#define RELEASE_TICK_MS 100
#define LITE_PATHS 64		/* distinct paths of lite targets; others get a job */

struct ls_job {
	struct ls_pipeline *pl;
	const struct ls_spec *spec;
	bool is_name;
	enum job_phase phase;
	bool racing;			/* the race has not finished */
	bool onlink;			/* holds one of the on-link places */
	double started_ms;
	bool emitted;
	void *req;			/* the getaddrinfo request under way */
	struct ls_nq *nq;		/* the name lookup under way (names.h) */
	struct ls_ilookup *il;		/* the recognition lookup under way (identify.h) */
	struct ls_facts facts;		/* what the host said: names, evidence */
	struct ls_race race;
	struct ls_job *prev, *next;	/* the live list */
	struct ls_job *qnext;		/* the ready queue */
};

/* pipeline.c.  Every way into the pipeline is framed by enter and leave;
 * the outermost leave frees the buried jobs, fills the window and reports
 * the end (the caller returns at once after). */
struct ls_job *ls__job_new(struct ls_pipeline *p, const struct ls_spec *spec);
void ls__job_free(struct ls_job *job);	/* buries it: freed by the outermost leave */
void ls__pl_enter(struct ls_pipeline *p);
void ls__pl_leave(struct ls_pipeline *p);
void ls__pl_emit(struct ls_pipeline *p, const struct ls_result *r);
void ls__pl_decided(struct ls_race *r);	/* a job's race callbacks */
/* Why a target not up, probed through ifindex since `since`, proves
 * nothing: our path broke meanwhile (NULL: it did not).  Asked for every
 * target not up, unknown ones too: the first blame says why, once. */
const char *ls__pl_blame(struct ls_pipeline *p, int ifindex, double since);
void ls__pl_finished(struct ls_race *r);

/* pipeline_onlink.c: the places of the neighbour table's room, from the
 * table at the start; a job's place given back (now, or once its entry can
 * have failed). */
void ls__onlink_init(struct ls_pipeline *p);
void ls__onlink_release(struct ls_pipeline *p, struct ls_job *job);

/* pipeline_lite.c: the plan's lite owner set up (open) and taken down
 * (close); a lite start, or false when the target needs a job. */
void ls__lite_open(struct ls_pipeline *p);
void ls__lite_close(struct ls_pipeline *p);
bool ls__lite_start(struct ls_pipeline *p, const struct ls_spec *spec, const struct ls_addr *a,
		    const struct ls_path *path);

#endif
