CREATE INDEX FOR (t:Tag) ON (t.name)
