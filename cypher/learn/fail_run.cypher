// A run that stopped before its flip: never active, its partial output is ignored.
MATCH (r:ModelRun {id: $id})
WHERE r.status = 'running'
SET r.status = $status, r.finished_at = $now, r.error = $error
RETURN count(r) AS failed
