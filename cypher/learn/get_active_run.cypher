// The active run of $kind: what readers of derived data use (none before the first train).
MATCH (r:ModelRun {kind: $kind})
WHERE r.active = true
RETURN r.id AS id, r.version AS version, r.slot AS slot, r.params AS params,
       r.metrics AS metrics, r.finished_at AS finished_at
