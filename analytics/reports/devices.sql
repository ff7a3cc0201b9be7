-- The devices of visitors (from one country, if asked): visitors and views, the previous period's
-- visitors and the change, and the likes given from each device in the period.
WITH rows_ AS (
    SELECT coalesce(device, 'unknown') AS device, event_type, visitor_hash, occurred_at >= :start_at AS current
    FROM events
    WHERE event_type IN ('page_viewed', 'article_liked')
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_device AS (
    SELECT
        device,
        count(DISTINCT CASE WHEN current AND event_type = 'page_viewed' THEN visitor_hash END) AS visitors,
        count_if(current AND event_type = 'page_viewed') AS views,
        count(DISTINCT CASE WHEN NOT current AND event_type = 'page_viewed' THEN visitor_hash END)
            AS previous_visitors,
        count_if(current AND event_type = 'article_liked') AS likes
    FROM rows_
    GROUP BY device
)
SELECT device, visitors, views, previous_visitors,
       CASE WHEN previous_visitors = 0 THEN NULL
            ELSE round(100.0 * (visitors - previous_visitors) / previous_visitors, 1) END AS change_pct,
       likes
FROM per_device
WHERE visitors > 0 OR previous_visitors > 0 OR likes > 0
ORDER BY visitors DESC, likes DESC, device
