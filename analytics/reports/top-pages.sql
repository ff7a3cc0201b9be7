-- The most viewed pages in the period, the previous period's views beside them and the change.
WITH views AS (
    SELECT path, article_id, article_title, visitor_hash, occurred_at >= :start_at AS current
    FROM events
    WHERE event_type = 'page_viewed'
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_page AS (
    SELECT
        path,
        max(article_id) AS article_id,
        max(article_title) AS article_title,
        count(DISTINCT CASE WHEN current THEN visitor_hash END) AS visitors,
        count_if(current) AS views,
        count_if(NOT current) AS previous_views
    FROM views
    GROUP BY path
)
SELECT path, article_id, article_title, visitors, views, previous_views,
       CASE WHEN previous_views = 0 THEN NULL
            ELSE round(100.0 * (views - previous_views) / previous_views, 1) END AS change_pct
FROM per_page
ORDER BY views DESC, previous_views DESC, path
LIMIT 50
