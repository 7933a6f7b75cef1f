// The flip, one statement: run $id becomes the active run of $kind (finished, with its
// metrics) and every other run of the kind inactive. Readers see either version, never both.
MATCH (r:ModelRun {kind: $kind})
WITH r, r.id = $id AND r.status = 'running' AS chosen
SET r.active = chosen,
    r.status = CASE WHEN chosen THEN 'finished' ELSE r.status END,
    r.finished_at = CASE WHEN chosen THEN $now ELSE r.finished_at END,
    r.metrics = CASE WHEN chosen THEN $metrics ELSE r.metrics END
RETURN sum(CASE WHEN chosen THEN 1 ELSE 0 END) AS activated
