// How many posts (not removed) were created in [$since, $as_of]: Explore narrows the window
// its trending queries scan to one that still holds their newest $scan posts, so they sort
// a few thousand posts instead of a week's (through the created_at index, as they do).
MATCH (p:Post)
WHERE p.created_at >= $since AND p.created_at <= $as_of AND p.removed_at IS NULL
RETURN count(p) AS posts
