/*
 * Registers the trace points of c-tests/trace_tp.h (the registration half of a trace point
 * library: <rte_trace_point_register.h> first). Linked into c-tests/diff_trace.c (its LIBS).
 */
#define ALLOW_EXPERIMENTAL_API
#include <rte_trace_point_register.h>

#include "trace_tp.h"

int app_diff_count;

RTE_TRACE_POINT_REGISTER(app_diff_tp, app.diff.tp)
RTE_TRACE_POINT_REGISTER(app_diff_mark, app.diff.mark)
RTE_TRACE_POINT_REGISTER(app_diff_fp, app.diff.fp)
