-- A session belongs to a project: session 7 of project A and session 7 of project B are two sessions, published on
-- two channels (docs/protocol.md, "Sessions"). Jobs already carry their project (V4), so existing sessions become
-- their projects' sessions with no change to the rows; a session's jobs are now looked up by project and id.
DROP INDEX training_jobs_session_idx;
CREATE INDEX training_jobs_session_idx ON training_jobs (project, session_id, id DESC) WHERE session_id IS NOT NULL;
