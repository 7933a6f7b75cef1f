// Like model: when each snapshot source's likes were counted, estimated as its newest
// post (the Instagram set stores no capture time).
MATCH (p:Post)
WHERE p.source IN $sources
RETURN p.source AS source, max(p.created_at) AS captured_at
