-- Project membership: a role per (project, user) — admin, editor or viewer — replacing the
-- global users.role for everything a project holds (users.role = 'admin' now only marks the
-- instance administrator, who becomes admin of every project created later). Versioned rows
-- read with FINAL; removing a member writes a newer row with removed = true.
CREATE TABLE IF NOT EXISTS memberships
(
    project_id  String,
    user_id     String,
    role        LowCardinality(String),
    created_at  DateTime64(3) DEFAULT now64(3),
    removed     Bool DEFAULT false,
    _version    UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (project_id, user_id);

-- Before this migration every signed-in user could use every project: each existing user keeps
-- that access, as admin when they were a global admin, else as viewer (members could only read).
-- _version 1 so that any later change (versioned by the clock) wins.
INSERT INTO memberships (project_id, user_id, role, _version)
SELECT p.id, u.id, if(u.role = 'admin', 'admin', 'viewer'), 1
FROM (SELECT id FROM projects FINAL) AS p
CROSS JOIN (SELECT id, role FROM users FINAL WHERE NOT disabled) AS u;
