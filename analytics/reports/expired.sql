-- Articles that expired (TTL removal) in the period, with the likes they gathered in their life:
-- the expiry event carries the article's last like_count, so no older partition is read.
WITH expired AS (
    SELECT
        event_id,
        arbitrary(article_id) AS article_id,
        arbitrary(article_title) AS article_title,
        arbitrary(author_name) AS author_name,
        arbitrary(published_at) AS published_at,
        arbitrary(occurred_at) AS expired_at,
        arbitrary(like_count) AS like_count
    FROM events
    WHERE dt BETWEEN :dt_start AND :dt_end
      AND event_type = 'article_expired'
      AND occurred_at >= :start_at AND occurred_at < :end_before
    GROUP BY event_id
)
SELECT article_id, article_title, author_name, published_at, expired_at,
       coalesce(like_count, 0) AS lifetime_likes
FROM expired
ORDER BY lifetime_likes DESC, article_id
LIMIT 100
