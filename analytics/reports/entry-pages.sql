-- Where visits begin. A visit is a visitor's views with less than 30 minutes between them (as
-- Plausible counts sessions); its first view is its entry page. Previous period beside.
WITH views AS (
    SELECT
        path,
        visitor_hash,
        occurred_at,
        occurred_at >= :start_at AS current,
        lag(occurred_at) OVER (PARTITION BY visitor_hash ORDER BY occurred_at, event_id) AS previous_at
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_page AS (
    SELECT
        path,
        count_if(current) AS entries,
        count(DISTINCT CASE WHEN current THEN visitor_hash END) AS visitors,
        count_if(NOT current) AS previous_entries
    FROM views
    WHERE previous_at IS NULL OR previous_at < occurred_at - INTERVAL '30' MINUTE
    GROUP BY path
)
SELECT path, entries, visitors, previous_entries,
       CASE WHEN previous_entries = 0 THEN NULL
            ELSE round(100.0 * (entries - previous_entries) / previous_entries, 1) END AS change_pct
FROM per_page
ORDER BY entries DESC, previous_entries DESC, path
LIMIT 50
