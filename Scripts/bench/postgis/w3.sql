-- W3 nearest, PostGIS: `<->` on geography (index-ordered by sphere distance) gives 10 candidates per
-- settlement, re-ranked by ST_Distance(geog, geog, true) on the ellipsoid; the first 3 are kept.
-- Output: settlement id, rank, site id, distance_m.
COPY (
  SELECT p.id, n.rank, n.id, n.distance_m
  FROM settlements AS p
  CROSS JOIN LATERAL (
    SELECT c.id, c.distance_m, row_number() OVER (ORDER BY c.distance_m, c.id) AS rank
    FROM (SELECT s.id, ST_Distance(s.geog, p.geog, true) AS distance_m
          FROM sites AS s ORDER BY s.geog <-> p.geog LIMIT 10) AS c
    ORDER BY c.distance_m, c.id
    LIMIT 3
  ) AS n
  ORDER BY p.id, n.rank
) TO STDOUT WITH (FORMAT csv);
