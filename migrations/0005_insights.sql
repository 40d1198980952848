-- oss-pulse schema, version 5: what moved a score, and how projects rank against each other.
-- The same numbers as `oss-pulse explain` and `oss-pulse compare`, for analysts, without a
-- subquery per row: primary-key seeks for the days before, window functions over (model, day)
-- for ranks and shares.

-- One row per project, model and day: f, the weighted parts α·B, β·C, γ·D (they add up to f),
-- N and U, and their changes over the 7, 30 and 90 days ending on the day, with growth
-- (f(d) − f(d − h)) / f(d − h). A change is NULL when either day's value is unknown (never zero),
-- and growth is also NULL when f(d − h) is 0. `explain --from D1 --to D2` gives the same split for
-- any two days: df = db + dc + dd to floating-point rounding.
-- Projects drive the scores (CROSS JOIN fixes that order), so a query for one project, or for one
-- model and day, reads only its rows by the primary key (project_id, model, day); the day h days
-- back is one more primary-key seek; the model's weights are read once, not once a row.
CREATE VIEW score_changes AS
WITH weights AS MATERIALIZED (
  SELECT name, json_extract(params, '$.alpha') AS alpha, json_extract(params, '$.beta') AS beta,
         json_extract(params, '$.gamma') AS gamma
  FROM models
)
SELECT p.name AS project, s.model, s.day, s.f,
       w.alpha * s.b AS b_weighted, w.beta * s.c AS c_weighted, w.gamma * s.d AS d_weighted,
       s.contributors AS n, s.users AS u, s.complete,
       s.f - s7.f AS df_7d, w.alpha * s.b - w.alpha * s7.b AS db_7d, w.beta * s.c - w.beta * s7.c AS dc_7d,
       w.gamma * s.d - w.gamma * s7.d AS dd_7d, (s.f - s7.f) / NULLIF(s7.f, 0) AS growth_7d,
       s.f - s30.f AS df_30d, w.alpha * s.b - w.alpha * s30.b AS db_30d, w.beta * s.c - w.beta * s30.c AS dc_30d,
       w.gamma * s.d - w.gamma * s30.d AS dd_30d, (s.f - s30.f) / NULLIF(s30.f, 0) AS growth_30d,
       s.f - s90.f AS df_90d, w.alpha * s.b - w.alpha * s90.b AS db_90d, w.beta * s.c - w.beta * s90.c AS dc_90d,
       w.gamma * s.d - w.gamma * s90.d AS dd_90d, (s.f - s90.f) / NULLIF(s90.f, 0) AS growth_90d
FROM projects p
CROSS JOIN scores s ON s.project_id = p.id
JOIN weights w ON w.name = s.model
LEFT JOIN scores s7 ON s7.project_id = s.project_id AND s7.model = s.model AND s7.day = date(s.day, '-7 days')
LEFT JOIN scores s30 ON s30.project_id = s.project_id AND s30.model = s.model AND s30.day = date(s.day, '-30 days')
LEFT JOIN scores s90 ON s90.project_id = s.project_id AND s90.model = s.model AND s90.day = date(s.day, '-90 days');

-- One row per project, model and day, ranked against every project scored by that model that
-- day: rank = 1 + the number of projects with a higher f (ties share the better rank: 1, 2, 2,
-- 4), NULL when f is unknown. Shares of the day's total f, N and U are NULL when any project's
-- value is unknown that day. `compare` over every project gives the same numbers.
CREATE VIEW project_ranks AS
SELECT project, model, day, f,
       CASE WHEN f IS NOT NULL THEN RANK() OVER ranked END AS rank,
       COUNT(*) OVER g AS projects,
       CASE WHEN COUNT(f) OVER g = COUNT(*) OVER g THEN f / NULLIF(SUM(f) OVER g, 0) END AS share_f,
       CASE WHEN COUNT(n) OVER g = COUNT(*) OVER g THEN n * 1.0 / NULLIF(SUM(n) OVER g, 0) END AS share_n,
       CASE WHEN COUNT(u) OVER g = COUNT(*) OVER g THEN u / NULLIF(SUM(u) OVER g, 0) END AS share_u,
       growth_7d, growth_30d, growth_90d
FROM score_changes
WINDOW g AS (PARTITION BY model, day), ranked AS (PARTITION BY model, day ORDER BY f DESC);
