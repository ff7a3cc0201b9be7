-- Articles with the most net likes in the period: likes minus unlikes, so a reader who unlikes and
-- likes again counts once, as the page shows. The previous period's net likes and the change beside.
WITH rows_ AS (
    SELECT article_id, article_title, author_name, event_type, occurred_at >= :start_at AS current
    FROM events
    WHERE event_type IN ('article_liked', 'article_unliked')
      AND occurred_at >= :previous_start_at AND occurred_at < :end_before
      AND (:country IS NULL OR country = :country)
),
per_article AS (
    SELECT
        article_id,
        max(article_title) AS article_title,
        max(author_name) AS author_name,
        count_if(current AND event_type = 'article_liked') AS likes,
        count_if(current AND event_type = 'article_unliked') AS unlikes,
        count_if(NOT current AND event_type = 'article_liked')
            - count_if(NOT current AND event_type = 'article_unliked') AS previous_net_likes
    FROM rows_
    GROUP BY article_id
)
SELECT article_id, article_title, author_name, likes, unlikes, likes - unlikes AS net_likes,
       previous_net_likes,
       CASE WHEN previous_net_likes = 0 THEN NULL
            ELSE round(100.0 * (likes - unlikes - previous_net_likes) / abs(previous_net_likes), 1)
       END AS change_pct
FROM per_article
WHERE likes > 0 OR unlikes > 0
ORDER BY net_likes DESC, article_id
LIMIT 20
