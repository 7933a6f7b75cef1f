CREATE INDEX FOR (p:Post) ON (p.id)
