-- Identity credentials verify themselves (the session token is the sealed credential record,
-- opened by GetCallerIdentity), so nothing has written this table since the version before the
-- previous one. Dropped now that a rolling upgrade can no longer meet a replica that inserts
-- into it (see docs/benchmarks/issue-16-credentials.md). Its index goes with it.
DROP TABLE identity_credentials;
