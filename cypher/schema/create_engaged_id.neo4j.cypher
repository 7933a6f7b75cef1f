CREATE INDEX engaged_id IF NOT EXISTS FOR ()-[e:ENGAGED]-() ON (e.id)
