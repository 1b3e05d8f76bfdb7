-- A job's log lines by the time they were written, for the timeline: the lines of a moment or of a range of time
-- are read by their timestamps (GET /logs?from=&to=), however late they reached the API.
CREATE INDEX job_logs_written_idx ON job_logs (job_id, ts, seq);
