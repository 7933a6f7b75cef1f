CREATE INDEX FOR (p:Post) ON (p.created_at)
