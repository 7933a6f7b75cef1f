CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at)
