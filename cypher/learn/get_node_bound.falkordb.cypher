// The largest internal node id: the export pages through [0, top] in id windows.
MATCH (n)
RETURN max(id(n)) AS top
