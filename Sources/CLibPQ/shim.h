#ifndef JZS_CLIBPQ_SHIM_H
#define JZS_CLIBPQ_SHIM_H
/* libpq (Debian libpq-dev) plus the diagnostic field codes, which are character macros. */
#include <libpq-fe.h>
#include <postgres_ext.h>

static const int shim_PG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int shim_PG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int shim_PG_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int shim_PG_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

/* Silences NOTICE/WARNING messages, which libpq otherwise prints on standard error. */
static void shim_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void shim_PQsilenceNotices(PGconn *conn) { PQsetNoticeProcessor(conn, shim_ignore_notice, NULL); }
#endif
