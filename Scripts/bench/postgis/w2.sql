-- W2 corridor, PostGIS: sites within 5 km of the road on the spheroid (geography ST_DWithin, GiST),
-- offset = ST_Distance(geography, geography) (spheroid), chainage = ST_LineLocatePoint on the lon/lat
-- geometry (a fraction in degree space: known to be off by kilometres) times the road's geodesic length.
-- Output: site id, offset_m, chainage_km, sorted by chainage.
COPY (
  SELECT s.id,
         ST_Distance(s.geog, r.geog) AS offset_m,
         ST_LineLocatePoint(r.geom, s.geom) * ST_Length(r.geog) / 1000.0 AS chainage_km
  FROM road AS r JOIN sites AS s ON ST_DWithin(s.geog, r.geog, 5000)
  WHERE r.id = 1
  ORDER BY chainage_km, s.id
) TO STDOUT WITH (FORMAT csv);
