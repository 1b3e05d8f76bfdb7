-- Jobs belong to a project; an API token grants projects (docs/protocol.md, "Tokens"). Jobs stored before
-- projects existed belong to 'default', the project a submission without one gets.
ALTER TABLE training_jobs ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
CREATE INDEX training_jobs_project_idx ON training_jobs (project, id DESC);
