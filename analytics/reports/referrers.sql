-- The sites visitors came from, the previous period beside them ('(direct)': none, or the blog).
WITH views AS (
    SELECT coalesce(referrer_host, '(direct)') AS referrer_host, visitor_hash,
           occurred_at >= :start_at AS current
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_host AS (
    SELECT
        referrer_host,
        count(DISTINCT CASE WHEN current THEN visitor_hash END) AS visitors,
        count_if(current) AS views,
        count(DISTINCT CASE WHEN NOT current THEN visitor_hash END) AS previous_visitors
    FROM views
    GROUP BY referrer_host
)
SELECT referrer_host, visitors, views, previous_visitors,
       CASE WHEN previous_visitors = 0 THEN NULL
            ELSE round(100.0 * (visitors - previous_visitors) / previous_visitors, 1) END AS change_pct
FROM per_host
ORDER BY visitors DESC, previous_visitors DESC, referrer_host
LIMIT 50
