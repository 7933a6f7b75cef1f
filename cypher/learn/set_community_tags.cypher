UNWIND $rows AS row
MATCH (c:Community {version: $version, id: row.id})
SET c.tags = row.tags, c.tag_weights = row.weights
RETURN count(c) AS communities
