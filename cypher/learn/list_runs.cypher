// Training runs, newest first ($kind null: every kind).
MATCH (r:ModelRun)
WHERE $kind IS NULL OR r.kind = $kind
RETURN r.id AS id, r.kind AS kind, r.version AS version, r.status AS status,
       r.active AS active, r.slot AS slot, r.params AS params, r.metrics AS metrics,
       r.started_at AS started_at, r.finished_at AS finished_at, r.error AS error
ORDER BY r.started_at DESC, r.version DESC
LIMIT $limit
