-- Views per article beside its likes: views, visitors, likes, unlikes, net likes (likes minus
-- unlikes) in the period, and the previous period's views with the change. Optionally one country.
WITH rows_ AS (
    SELECT article_id, article_title, event_type, visitor_hash, occurred_at >= :start_at AS current
    FROM events
    WHERE article_id IS NOT NULL
      AND event_type IN ('page_viewed', 'article_liked', 'article_unliked')
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_article AS (
    SELECT
        article_id,
        max(article_title) AS article_title,
        count_if(current AND event_type = 'page_viewed') AS views,
        count(DISTINCT CASE WHEN current AND event_type = 'page_viewed' THEN visitor_hash END) AS visitors,
        count_if(current AND event_type = 'article_liked') AS likes,
        count_if(current AND event_type = 'article_unliked') AS unlikes,
        count_if(NOT current AND event_type = 'page_viewed') AS previous_views
    FROM rows_
    GROUP BY article_id
)
SELECT article_id, article_title, views, visitors, likes, unlikes, likes - unlikes AS net_likes,
       previous_views,
       CASE WHEN previous_views = 0 THEN NULL
            ELSE round(100.0 * (views - previous_views) / previous_views, 1) END AS change_pct
FROM per_article
WHERE views > 0 OR likes > 0 OR unlikes > 0 OR previous_views > 0
ORDER BY views DESC, likes - unlikes DESC, article_id
LIMIT 100
