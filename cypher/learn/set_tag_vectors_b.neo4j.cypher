// Training writes Tag vectors into slot b (not the active run's: readers do not see
// them until the flip). Vectors travel as fixed-point text (component * 10000).
UNWIND $rows AS row
MATCH (t:Tag {name: row.id})
SET t.embedding_b = CASE WHEN row.e IS NULL THEN null
                         ELSE [x IN split(row.e, ' ') | toFloat(x) / 10000.0] END
RETURN count(t) AS written
