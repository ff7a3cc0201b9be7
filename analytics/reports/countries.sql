-- Where visitors are (CloudFront's country; 'ZZ': unknown), the previous period beside.
WITH views AS (
    SELECT country, visitor_hash, occurred_at >= :start_at AS current
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
),
per_country AS (
    SELECT
        coalesce(country, 'ZZ') AS country,
        count(DISTINCT CASE WHEN current THEN visitor_hash END) AS visitors,
        count_if(current) AS views,
        count(DISTINCT CASE WHEN NOT current THEN visitor_hash END) AS previous_visitors
    FROM views
    GROUP BY coalesce(country, 'ZZ')
)
SELECT country, visitors, views, previous_visitors,
       CASE WHEN previous_visitors = 0 THEN NULL
            ELSE round(100.0 * (visitors - previous_visitors) / previous_visitors, 1) END AS change_pct
FROM per_country
ORDER BY visitors DESC, previous_visitors DESC, country
LIMIT 50
